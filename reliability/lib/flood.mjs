// A flooding SDK client in its own process (so that its work never lands on the measuring
// process's event loop): `node flood.mjs BASE KEY SECONDS CONCURRENCY [BODY]`; prints its status
// counts and the CPU it used.
import { Agent } from 'node:http';
import { ofrepPost } from './ofrep-post.mjs';

const [base, key, seconds, concurrency, body] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const counts = {};
const end = Date.now() + Number(seconds) * 1000;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (Date.now() < end) {
      const { status: s } = await ofrepPost(base, key, agent, body);
      counts[s] = (counts[s] || 0) + 1;
    }
  }),
);
agent.destroy();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ counts, attackerCpuSeconds: (cpu.user + cpu.system) / 1e6 }));
