// A crash between commit and publish: the API process commits to DynamoDB but its publish never
// reaches Redis (its bus points at a Redis that is gone). The realtime node, on the real Redis,
// still delivers the change: its periodic revision check finds it.
import assert from 'node:assert/strict';
import { Admin, newStats, sdk, until } from '../lib/api.mjs';
import { awsEnv, freePort, moto, redis, switchyard } from '../lib/procs.mjs';

export const title = 'Crash between commit and publish';
export const shortLimit = 120000;

export async function run({ log }) {
  const m = await moto();
  const r = await redis();
  const dead = `redis://127.0.0.1:${await freePort()}`;
  const table = ['--table', 'lost-publish'];
  const api = await switchyard('serve', ['--store', 'dynamodb', ...table, '--bus', 'redis', '--redis-url', dead], awsEnv(m.url));
  const rt = await switchyard('realtime', [...table, '--redis-url', r.url, '--revision-check-secs', '2'], awsEnv(m.url));
  const c = [];
  try {
    const admin = await Admin.signup(api.base);
    const { project, env } = await admin.project();
    await admin.flag(project, 'beta');
    let v = (await admin.state(project, env, 'beta', { defaultVariant: 'off', version: 0 })).body.version;
    const key = await admin.key(project, env);
    const client = sdk(rt.base, key, { targetingKey: 'u' }, newStats());
    c.push(client);
    await client.ready();
    assert.equal(client.boolean('beta', true), false);
    const delays = [];
    for (const variant of ['on', 'off', 'on']) {
      const t0 = performance.now();
      const res = await admin.state(project, env, 'beta', { defaultVariant: variant, version: v });
      assert.equal(res.status, 200, 'the write commits although its publish is lost');
      v = res.body.version;
      assert.ok(await until(() => client.boolean('beta', variant === 'off') === (variant === 'on'), 15000), 'the change still reaches the client');
      delays.push(Math.round(performance.now() - t0));
    }
    log(`change → client without a publish: ${delays.join(', ')} ms (revision check every 2 s)`);
    return { changes: delays.length, deliveredMs: delays, revisionCheckSecs: 2 };
  } finally {
    for (const x of c) x.close();
    await rt.stop();
    await api.stop();
    await r.stop();
    await m.stop();
  }
}
