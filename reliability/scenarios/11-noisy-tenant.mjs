// A noisy tenant floods the SDK endpoints: it gets 429 while a quiet tenant's latency stays close
// to its quiet baseline.
import assert from 'node:assert/strict';
import { generator, holdBar, interleave, tenant, total } from '../lib/neighbour.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Noisy tenant';
export const shortLimit = 120000;
export const fullLimit = 240000;

export async function run({ full, log }) {
  const pairs = full ? 10 : 3;
  const seconds = pairs * 2;
  const server = await switchyard('serve', ['--rate-limit', '150']);
  try {
    const calm = await tenant(server.base);
    const loud = await tenant(server.base);
    const r = await interleave({
      base: server.base, key: calm, pid: server.child.pid, pairs, seconds: 2, lead: 300,
      start: () => generator('flood.mjs', [server.base, loud, '2.6', process.env.FLOOD_CONCURRENCY || '16']),
    });
    const raw = total(r.outcomes.map((o) => o.counts));
    const counts = { 200: raw[200] || 0, 429: raw[429] || 0, other: Object.entries(raw).filter(([k]) => k !== '200' && k !== '429').reduce((n, [, v]) => n + v, 0) };

    log(`noisy tenant: ${counts[200]} × 200, ${counts[429]} × 429 in ${seconds} s; quiet tenant p50 ${r.neighbourP50Ms[0]} → ${r.neighbourP50Ms[1]} ms, p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms`);
    assert.ok(counts[429] > 0, 'the flood is rate limited');
    assert.equal(counts.other, 0);
    const figures = {
      noisy200: counts[200], noisy429: counts[429],
      serverCores: r.serverCores, attackerCores: r.attackerCores, placement: r.placement,
      quietP50Ms: r.neighbourP50Ms, quietP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
    };
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
  }
}
