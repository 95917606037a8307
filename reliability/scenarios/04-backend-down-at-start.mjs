// The SDK starts while the backend is down: defaults at once, no hang, converges once it is back.
import assert from 'node:assert/strict';
import { Admin, newStats, sdk, until } from '../lib/api.mjs';
import { sleep, switchyard } from '../lib/procs.mjs';

export const title = 'SDK starts while the backend is down';
export const shortLimit = 90000;

export async function run({ full, log }) {
  const server = await switchyard('serve');
  const admin = await Admin.signup(server.base);
  const { project, env } = await admin.project();
  await admin.flag(project, 'beta');
  await admin.state(project, env, 'beta', { defaultVariant: 'on', version: 0 });
  const key = await admin.key(project, env);
  await server.stop();

  const stats = newStats();
  const t0 = performance.now();
  const c = sdk(server.base, key, { targetingKey: 'u' }, stats, { readyTimeout: 2000 });
  try {
    const first = c.detail('beta', false);
    assert.deepEqual([first.value, first.errorCode], [false, 'PROVIDER_NOT_READY'], 'defaults at once');
    await c.ready();
    const readyMs = performance.now() - t0;
    assert.ok(readyMs < 5000, `ready() does not hang (${readyMs} ms)`);
    const downFor = full ? 20000 : 8000;
    await sleep(downFor - readyMs);
    await server.start();
    const back = performance.now();
    assert.ok(await until(() => c.boolean('beta', false) === true, 30000), 'converges within 30 s of the backend returning');
    const convergedMs = performance.now() - back;
    log(`down ${downFor} ms; ${stats.attempts.length} attempts meanwhile; converged ${convergedMs.toFixed(0)} ms after the server was back`);
    return { readyMs: Math.round(readyMs), downMs: downFor, attemptsWhileDown: stats.attempts.length - 1, convergedAfterBackMs: Math.round(convergedMs) };
  } finally {
    c.close();
    await server.stop();
  }
}
