// A stream flood: one key opens WebSockets from thousands of addresses (behind a trusted proxy),
// each with a 6 KB context, and re-opens every refused one a second later (no backoff). The key's cap admits its
// share and refuses the rest with 1013; a neighbour's requests and its own stream are unaffected.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { attack, holdBar, interleave, rssMb, tenant, total } from '../lib/neighbour.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Stream flood';
export const shortLimit = 120000;
export const fullLimit = 300000;

/** The neighbour's own stream: ms from connect to snapshot. */
function neighbourStream(base, key) {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const ws = new WebSocket(`${base.replace('http', 'ws')}/sdk/v1/ws?key=${key}`, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    ws.on('open', () => ws.send('{"type":"hello","context":{"targetingKey":"n"}}'));
    ws.on('message', (m) => {
      if (String(m).startsWith('{"type":"snapshot"')) {
        ok(+(performance.now() - t0).toFixed(1));
        ws.close();
      }
    });
    ws.on('close', (code) => fail(new Error(`the neighbour's stream closed with ${code}`)));
    ws.on('error', fail);
  });
}

export async function run({ full, log }) {
  const cap = full ? 1000 : 300;
  const sockets = full ? 2000 : 800;
  const pairs = full ? 10 : 2;
  const seconds = 2;
  const lead = 2000;
  const flags = ['--trusted-proxy-hops', '1', '--max-streams-per-key', String(cap)];
  const server = await switchyard('serve', flags);
  // A control: the same attack against another server on this machine, to tell what the shared
  // cores cost the neighbour from what its own server does.
  const other = await switchyard('serve', flags);
  try {
    const calm = await tenant(server.base);
    const loud = await tenant(server.base);
    const elsewhere = await tenant(other.base);
    const flood = (base, key, extra = {}) =>
      attack('streams', { base, key, sockets, seconds: (lead + 200) / 1000 + seconds, contextBytes: 6000, retryMs: 1000, ...extra });
    const rssBefore = rssMb(server.child.pid);
    let rssPeak = rssBefore;
    const window = { base: server.base, key: calm, pid: server.child.pid, alsoPlaced: [other.child.pid], headers: { 'X-Forwarded-For': '198.51.100.1' }, pairs, seconds, lead };
    const r = await interleave({
      ...window,
      start: () => {
        setTimeout(() => (rssPeak = Math.max(rssPeak, rssMb(server.child.pid))), lead + seconds * 500);
        return flood(server.base, loud);
      },
    });
    const control = await interleave({ ...window, start: () => flood(other.base, elsewhere) });
    // The neighbour's own stream, opened while the flood holds the key's cap.
    const holding = flood(server.base, loud, { seconds: 3 });
    await new Promise((ok) => setTimeout(ok, 1500));
    const neighbourSnapshotMs = await neighbourStream(server.base, calm);
    await holding;
    await new Promise((ok) => setTimeout(ok, 2000));
    const rssAfter = rssMb(server.child.pid);
    const t = total(r.outcomes);
    for (const o of r.outcomes) assert.ok(o.admitted <= cap, `at most ${cap} streams on the key: ${JSON.stringify(o)}`);
    assert.ok(t.refused1013 > 0, 'the rest are refused with 1013');
    const figures = {
      attackerAttempts: t.attempts, attackerAdmitted: t.admitted, attackerRefused1013: t.refused1013,
      attackerRefusedHttp: t.refusedHttp, attackerOtherCloses: t.otherCloses, capPerKey: cap, neighbourSnapshotMs,
      rssMb: { before: rssBefore, peak: rssPeak, after: rssAfter },
      serverCores: r.serverCores, attackerCores: r.attackerCores,
      neighbourP50Ms: r.neighbourP50Ms, neighbourP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
      controlP99Ms: control.neighbourP99Ms, controlP99Ratio: control.p99Ratio,
    };
    log(`stream flood: ${t.attempts} attempts from ${sockets} addresses, ${t.admitted} admitted (cap ${cap}), ${t.refused1013} × 1013; neighbour p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms (the same attack on another server: ${control.neighbourP99Ms[0]} → ${control.neighbourP99Ms[1]} ms); RSS ${rssBefore} → ${rssPeak} → ${rssAfter} MiB`);
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
    await other.stop();
  }
}
