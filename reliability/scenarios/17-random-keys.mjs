// Random keys: one address floods OFREP with random keys. After its allowance of failures it gets
// 429 before any key lookup; a real key from another address is unaffected, and the server's
// memory does not grow with the flood.
import assert from 'node:assert/strict';
import { request } from '../lib/api.mjs';
import { attack, holdBar, interleave, rssMb, tenant, total } from '../lib/neighbour.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Random keys';
export const shortLimit = 120000;
export const fullLimit = 300000;

export async function run({ full, log }) {
  const pairs = full ? 10 : 2;
  const seconds = 2;
  const lead = 300;
  const from = '203.0.113.66';
  const server = await switchyard('serve', ['--trusted-proxy-hops', '1']);
  try {
    const calm = await tenant(server.base);
    const rssBefore = rssMb(server.child.pid);
    const r = await interleave({
      base: server.base, key: calm, pid: server.child.pid, headers: { 'X-Forwarded-For': '198.51.100.1' }, pairs, seconds, lead,
      start: () => attack('randomKeys', { base: server.base, seconds: (lead + 200) / 1000 + seconds, concurrency: 16, from }),
    });
    const rssAfter = rssMb(server.child.pid);
    const own = await request(server.base, 'POST', '/ofrep/v1/evaluate/flags', { key: calm, body: {}, headers: { 'X-Forwarded-For': from } });
    assert.equal(own.status, 429, "a real key from the flooding address is refused too");
    const t = total(r.outcomes);
    assert.ok((t[401] || 0) <= 60 * pairs, `at most the allowance of 401s: ${JSON.stringify(t)}`);
    assert.ok((t[429] || 0) > 0, 'the flood is throttled');
    const figures = {
      attackerRequests: t.requests, attacker401: t[401] || 0, attacker429: t[429] || 0,
      attackerPerSecond: +(t.requests / (pairs * ((lead + 200) / 1000 + seconds))).toFixed(0),
      rssMb: { before: rssBefore, after: rssAfter },
      serverCores: r.serverCores, attackerCores: r.attackerCores,
      neighbourP50Ms: r.neighbourP50Ms, neighbourP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
    };
    log(`random keys: ${t.requests} requests, ${figures.attacker401} × 401 then ${figures.attacker429} × 429; RSS ${rssBefore} → ${rssAfter} MiB; neighbour p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms`);
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
  }
}
