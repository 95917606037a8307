// A flooding SDK client in its own process (so that its work never lands on the measuring
// process's event loop): `node flood.mjs BASE KEY SECONDS CONCURRENCY`; prints its status counts.
import { Agent, request } from 'node:http';

const [base, key, seconds, concurrency] = process.argv.slice(2);
const url = new URL(`${base}/ofrep/v1/evaluate/flags`);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const counts = {};
const end = Date.now() + Number(seconds) * 1000;
const one = () =>
  new Promise((ok) => {
    const r = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key } }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode));
    });
    r.on('error', () => ok(0));
    r.end('{"context":{"targetingKey":"u"}}');
  });
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (Date.now() < end) {
      const s = await one();
      counts[s] = (counts[s] || 0) + 1;
    }
  }),
);
agent.destroy();
console.log(JSON.stringify(counts));
