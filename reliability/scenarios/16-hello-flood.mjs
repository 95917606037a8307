// A hello flood: WebSockets on one key send hello and resync as fast as their sockets drain, and
// reconnect when closed. Every ask is charged to the key's rate and snapshots go out at most one
// per interval per stream, so the attacker gets a bounded trickle of snapshots (not thousands a
// second) while a neighbour's requests are unaffected.
import assert from 'node:assert/strict';
import { attack, holdBar, interleave, tenant, total } from '../lib/neighbour.mjs';
import { metrics, switchyard } from '../lib/procs.mjs';

export const title = 'Hello flood';
export const shortLimit = 120000;
export const fullLimit = 300000;

export async function run({ full, log }) {
  const rate = 100;
  const sockets = full ? 50 : 20;
  const pairs = full ? 10 : 2;
  const seconds = 2;
  const lead = 500;
  const server = await switchyard('serve', ['--rate-limit', String(rate)]);
  try {
    const calm = await tenant(server.base);
    const loud = await tenant(server.base);
    const attackSeconds = (lead + 200) / 1000 + seconds;
    const r = await interleave({
      base: server.base, key: calm, pid: server.child.pid, pairs, seconds, lead,
      start: () => attack('hellos', { base: server.base, key: loud, sockets, seconds: attackSeconds }),
    });
    const t = total(r.outcomes);
    const m = await metrics(server.base);
    // The key's rate with its burst (twice the rate), per attacked window.
    const bound = pairs * (rate * attackSeconds + 2 * rate);
    assert.ok(t.snapshots <= bound, `snapshots stay within the key's rate: ${t.snapshots} > ${bound}`);
    const figures = {
      attackerSent: t.sent, attackerSnapshots: t.snapshots,
      attackerSentPerSecond: +(t.sent / (pairs * attackSeconds)).toFixed(0),
      attackerSnapshotsPerSecond: +(t.snapshots / (pairs * attackSeconds)).toFixed(1),
      attackerConnects: t.connects, attackerCloses1008: t.closes1008, snapshotsDeferred: m.snapshots_deferred,
      keyRate: rate,
      serverCores: r.serverCores, attackerCores: r.attackerCores,
      neighbourP50Ms: r.neighbourP50Ms, neighbourP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
    };
    log(`hello flood: ${figures.attackerSentPerSecond} asks/s written (the server reads each socket at its pace) → ${figures.attackerSnapshotsPerSecond} snapshots/s (key rate ${rate}/s); neighbour p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms`);
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
  }
}
