// An SDK client flooding the analytics intake, in its own process: `node events-flood.mjs BASE KEY
// REQUESTS CONCURRENCY`. Each batch holds 500 items (under the 32 KiB body limit): evaluations of random flags, of the
// environment's flags (f0…f19) with random variants, and custom events with random names. Prints
// its status counts, how many items it sent and the CPU it used.
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';

const [base, key, requests, concurrency] = process.argv.slice(2);
const url = new URL(`${base}/sdk/v1/events`);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const rnd = () => randomBytes(6).toString('hex');

function batch() {
  const evaluations = [];
  for (let i = 0; i < 200; i++) evaluations.push({ flag: `flag-${rnd()}`, variant: rnd(), count: 1 });
  for (let i = 0; i < 200; i++) evaluations.push({ flag: `f${i % 20}`, variant: i % 5 ? rnd() : 'on', count: 1 });
  const events = Array.from({ length: 100 }, () => ({ name: `event-${rnd()}` }));
  return JSON.stringify({ evaluations, events });
}

function post(body) {
  return new Promise((ok) => {
    const r = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key } }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode));
    });
    r.on('error', () => ok(0));
    r.end(body);
  });
}

const counts = {};
let left = Number(requests);
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (left > 0) {
      left--;
      const s = await post(batch());
      counts[s] = (counts[s] || 0) + 1;
    }
  }),
);
agent.destroy();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ counts, items: Number(requests) * 500, attackerCpuSeconds: (cpu.user + cpu.system) / 1e6 }));
