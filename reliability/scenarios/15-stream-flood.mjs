// A stream flood: one key opens WebSockets from thousands of addresses (behind a trusted proxy),
// each with a 6 KB context, and re-opens every refused one 100 ms later. The key's cap admits its
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
  const sockets = full ? 3000 : 800;
  const pairs = full ? 5 : 2;
  const seconds = 2;
  const lead = 2000;
  const server = await switchyard('serve', ['--trusted-proxy-hops', '1', '--max-streams-per-key', String(cap)]);
  try {
    const calm = await tenant(server.base);
    const loud = await tenant(server.base);
    const rssBefore = rssMb(server.child.pid);
    let rssPeak = rssBefore;
    const r = await interleave({
      base: server.base, key: calm, headers: { 'X-Forwarded-For': '198.51.100.1' }, pairs, seconds, lead,
      start: () => {
        const done = attack('streams', { base: server.base, key: loud, sockets, seconds: (lead + 200) / 1000 + seconds, contextBytes: 6000 });
        setTimeout(() => (rssPeak = Math.max(rssPeak, rssMb(server.child.pid))), lead + seconds * 500);
        return done;
      },
    });
    // The neighbour's stream, opened while the flood holds the key's cap.
    const flood = attack('streams', { base: server.base, key: loud, sockets, seconds: 3, contextBytes: 6000 });
    await new Promise((ok) => setTimeout(ok, 1500));
    const neighbourSnapshotMs = await neighbourStream(server.base, calm);
    await flood;
    await new Promise((ok) => setTimeout(ok, 2000));
    const rssAfter = rssMb(server.child.pid);
    const t = total(r.outcomes);
    for (const o of r.outcomes) assert.ok(o.admitted <= cap, `at most ${cap} streams on the key: ${JSON.stringify(o)}`);
    assert.ok(t.refused1013 > 0, 'the rest are refused with 1013');
    const figures = {
      attackerAttempts: t.attempts, attackerAdmitted: t.admitted, attackerRefused1013: t.refused1013,
      attackerOtherCloses: t.otherCloses, capPerKey: cap, neighbourSnapshotMs,
      rssMb: { before: rssBefore, peak: rssPeak, after: rssAfter },
      neighbourP50Ms: r.neighbourP50Ms, neighbourP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
    };
    log(`stream flood: ${t.attempts} attempts from ${sockets} addresses, ${t.admitted} admitted (cap ${cap}), ${t.refused1013} × 1013; neighbour p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms; RSS ${rssBefore} → ${rssPeak} → ${rssAfter} MiB`);
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
  }
}
