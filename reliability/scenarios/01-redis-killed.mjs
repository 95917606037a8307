// Redis SIGKILLed and restarted while clients are connected and changes are written: every client
// ends with exactly the stored state.
import assert from 'node:assert/strict';
import { Admin, evaluateAll, newStats, same, sdk, until } from '../lib/api.mjs';
import { metrics, redis, switchyard } from '../lib/procs.mjs';

export const title = 'Redis killed and restarted under clients and writes';
export const shortLimit = 120000;
export const fullLimit = 300000;

export async function run({ full, log }) {
  const clients = full ? 200 : 50;
  const changes = full ? 500 : 120;
  const r = await redis();
  const server = await switchyard('serve', ['--bus', 'redis', '--redis-url', r.url, '--revision-check-secs', '2']);
  const sdks = [];
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    const flags = ['a', 'b', 'c', 'd'];
    for (const f of flags) await admin.flag(project, f, 'integer', [0, 1, 2, 3].map((i) => ({ name: `v${i}`, value: i })));
    const key = await admin.key(project, env);
    const stats = newStats();
    for (let i = 0; i < clients; i++) sdks.push(sdk(server.base, key, { targetingKey: `user-${i}` }, stats));
    await Promise.all(sdks.map((c) => c.ready()));
    assert.ok(sdks.every((c) => c.status.source === 'network'), 'every client connected');

    const versions = {};
    let failedWrites = 0;
    for (let i = 0; i < changes; i++) {
      if (i === Math.floor(changes * 0.3)) {
        await r.kill();
        log(`redis killed after ${i} changes`);
      }
      if (i === Math.floor(changes * 0.6)) {
        await r.start();
        log(`redis restarted after ${i} changes`);
      }
      const f = flags[i % flags.length];
      const res = await admin.state(project, env, f, { defaultVariant: `v${i % 4}`, version: versions[f] || 0 });
      if (res.status === 200) versions[f] = res.body.version;
      else failedWrites++;
    }
    assert.equal(failedWrites, 0, 'every write succeeds while Redis is down (the bus is a hint)');
    const t0 = Date.now();
    const converged = await until(async () => {
      const want = await evaluateAll(server.base, key, { targetingKey: 'user-0' });
      return sdks.every((c) => same(c.all(), want));
    }, 30000, 200);
    assert.ok(converged, 'every client ends with the stored state');
    const m = await metrics(server.base);
    return {
      serverResyncs: m.resyncs,
      serverReloads: m.reloads,
      clients,
      changes,
      convergedAfterLastWriteMs: Date.now() - t0,
      clientResyncs: stats.resyncs,
      connections: stats.attempts.length,
    };
  } finally {
    for (const c of sdks) c.close();
    await server.stop();
    await r.stop();
  }
}
