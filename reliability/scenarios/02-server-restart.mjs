// The realtime server restarted under thousands of connected SDK clients: all reconnect, spread
// by jitter, and converge.
import assert from 'node:assert/strict';
import { Admin, evaluateAll, newStats, percentile, same, sdk, until } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Server restarted with thousands of clients connected';
export const shortLimit = 180000;
export const fullLimit = 600000;

export async function run({ full, log }) {
  const n = full ? 5000 : 1000;
  // Every client is on one loopback address: the per-address stream cap would refuse most.
  const server = await switchyard('serve', ['--max-streams-per-address', '0']);
  const sdks = [];
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    await admin.flag(project, 'beta');
    await admin.state(project, env, 'beta', { defaultVariant: 'off', version: 0 });
    const key = await admin.key(project, env);
    const stats = newStats();
    const back = new Map();
    let mark = Infinity;
    stats.onSnapshot = (id, t) => {
      if (t > mark && !back.has(id)) back.set(id, t);
    };
    for (let i = 0; i < n; i++) {
      sdks.push(sdk(server.base, key, { targetingKey: `user-${i}` }, stats, { readyTimeout: 60000 }, i));
      if (i % 250 === 249) await Promise.all(sdks.slice(-250).map((c) => c.ready()));
    }
    await Promise.all(sdks.map((c) => c.ready()));
    assert.ok(sdks.every((c) => c.status.source === 'network'));
    log(`${n} clients connected`);

    mark = performance.now();
    const before = stats.attempts.length;
    await server.stop(); // SIGTERM: every client gets 1012
    await server.start();
    const up = performance.now();
    log(`server down for ${(up - mark).toFixed(0)} ms`);
    assert.ok(await until(() => back.size === n, full ? 240000 : 120000, 100), `all reconnect (${back.size}/${n})`);
    const times = [...back.values()].map((t) => t - mark);
    const attempts = stats.attempts.slice(before).map((t) => t - mark);
    const windows = new Map();
    for (const t of attempts) windows.set(Math.floor(t / 100), (windows.get(Math.floor(t / 100)) || 0) + 1);
    const busiest = Math.max(...windows.values());
    const perSecond = {};
    for (const t of attempts) perSecond[Math.floor(t / 1000)] = (perSecond[Math.floor(t / 1000)] || 0) + 1;
    log(`reconnect attempts per second after the stop: ${JSON.stringify(perSecond)}`);
    assert.ok(busiest <= attempts.length / 4, `no 100 ms window holds more than a quarter of the attempts (${busiest}/${attempts.length})`);

    await admin.state(project, env, 'beta', { defaultVariant: 'on', version: 1 });
    const want = await evaluateAll(server.base, key, { targetingKey: 'user-0' });
    assert.ok(await until(() => sdks.every((c) => same(c.all(), want)), 30000, 100), 'every client converges on the change');
    return {
      clients: n,
      downMs: Math.round(up - mark),
      reconnected50Ms: Math.round(percentile(times, 50)),
      reconnected90Ms: Math.round(percentile(times, 90)),
      reconnected99Ms: Math.round(percentile(times, 99)),
      reconnected100Ms: Math.round(Math.max(...times)),
      attempts: attempts.length,
      busiest100msWindowShare: +(busiest / attempts.length).toFixed(3),
    };
  } finally {
    for (const c of sdks) c.close();
    await server.stop();
  }
}
