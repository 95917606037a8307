// Slowloris: hundreds of sockets send a request a byte a second, the headers (closed at the
// header read timeout) or a body that never ends (408 at the request timeout). Nothing they hold
// outlives the timeouts, and a neighbour's requests are unaffected.
import assert from 'node:assert/strict';
import { attack, holdBar, interleave, tenant, total } from '../lib/neighbour.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Slowloris';
export const shortLimit = 120000;
export const fullLimit = 300000;

export async function run({ full, log }) {
  const headerTimeout = 2;
  const requestTimeout = 3;
  const sockets = full ? 2000 : 500;
  const pairs = full ? 6 : 2;
  const seconds = 4;
  const lead = 500;
  const server = await switchyard('serve', ['--header-read-timeout-secs', String(headerTimeout), '--request-timeout-secs', String(requestTimeout)]);
  try {
    const calm = await tenant(server.base);
    const attackSeconds = (lead + 500) / 1000 + seconds;
    // Even windows: slow headers; odd windows: slow bodies (with a key of the attacker's own).
    const loud = await tenant(server.base);
    const r = await interleave({
      base: server.base, key: calm, pid: server.child.pid, pairs, seconds, lead,
      start: (w) => attack('slowloris', { port: server.port, sockets, seconds: attackSeconds, body: w % 2 === 1, key: loud }).then((o) => ({ ...o, body: w % 2 === 1 })),
    });
    const heads = r.outcomes.filter((o) => !o.body);
    const bodies = r.outcomes.filter((o) => o.body);
    for (const o of heads) {
      assert.equal(o.openAtEnd, 0, `every slow header is closed: ${JSON.stringify(o)}`);
      assert.ok(o.maxLifetimeMs <= (headerTimeout + 1.5) * 1000, `within the header timeout: ${JSON.stringify(o)}`);
    }
    for (const o of bodies) {
      assert.equal(o.answered408, sockets, `every slow body gets 408: ${JSON.stringify(o)}`);
      assert.ok(o.maxLifetimeMs <= (requestTimeout + 1.5) * 1000, `within the request timeout: ${JSON.stringify(o)}`);
    }
    const th = total(heads);
    const tb = total(bodies);
    const figures = {
      socketsPerWindow: sockets, headerTimeoutS: headerTimeout, requestTimeoutS: requestTimeout,
      slowHeadersClosed: th.closedByServer, slowHeadersMaxLifetimeMs: Math.max(...heads.map((o) => o.maxLifetimeMs)),
      slowBodies408: tb.answered408, slowBodiesMaxLifetimeMs: Math.max(...bodies.map((o) => o.maxLifetimeMs)),
      serverCores: r.serverCores, attackerCores: r.attackerCores,
      neighbourP50Ms: r.neighbourP50Ms, neighbourP99Ms: r.neighbourP99Ms, p99Ratio: r.p99Ratio,
    };
    log(`slowloris: ${sockets} sockets a window; slow headers closed after ≤ ${figures.slowHeadersMaxLifetimeMs} ms, slow bodies 408 after ≤ ${figures.slowBodiesMaxLifetimeMs} ms; neighbour p99 ${r.neighbourP99Ms[0]} → ${r.neighbourP99Ms[1]} ms`);
    holdBar(full, figures);
    return figures;
  } finally {
    await server.stop();
  }
}
