// A backup restored under connected SDK clients: `switchyard backup` while the server runs, a
// change the restore will undo, the server stopped, `switchyard restore`, the server started on
// the restored store. Every client reconnects and converges on the restored state, its revision
// is above every revision served before (so no client or node ignores it), and the first change
// after the restore reaches every client.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Admin, evaluateAll, newStats, same, sdk, until } from '../lib/api.mjs';
import { bin, switchyard, tempDir } from '../lib/procs.mjs';

export const title = 'Backup restored with clients connected';
export const shortLimit = 180000;
export const fullLimit = 600000;

export async function run({ full, log }) {
  const n = full ? 2000 : 300;
  const server = await switchyard('serve', ['--max-streams-per-address', '0']);
  const sdks = [];
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    await admin.flag(project, 'beta');
    await admin.state(project, env, 'beta', { defaultVariant: 'off', version: 0 });
    const key = await admin.key(project, env);
    const stats = newStats();
    for (let i = 0; i < n; i++) {
      sdks.push(sdk(server.base, key, { targetingKey: `user-${i}` }, stats, { readyTimeout: 60000 }, i));
      if (i % 250 === 249) await Promise.all(sdks.slice(-250).map((c) => c.ready()));
    }
    await Promise.all(sdks.map((c) => c.ready()));
    log(`${n} clients connected`);

    const file = join(tempDir('backup'), 'backup.redb');
    const started = performance.now();
    execFileSync(bin, ['backup', '--data-dir', server.data, '--to', file, '--addr', `127.0.0.1:${server.port}`]);
    const backupMs = performance.now() - started;
    const restored = await evaluateAll(server.base, key, { targetingKey: 'user-0' });

    // A change the restore will undo: every client takes it (a higher revision).
    await admin.state(project, env, 'beta', { defaultVariant: 'on', version: 1 });
    const undone = await evaluateAll(server.base, key, { targetingKey: 'user-0' });
    assert.ok(await until(() => sdks.every((c) => same(c.all(), undone)), 30000, 50), 'every client takes the change');
    const servedRevision = Math.max(...sdks.map((c) => c.status.revision));

    await server.stop();
    const down = performance.now();
    const out = execFileSync(bin, ['restore', '--data-dir', server.data, '--from', file]).toString();
    log(out.trim());
    await server.start();
    // Back on a stream (clients that fell back to polling meanwhile keep their revision until
    // their stream returns): the restored values at a revision above what they held.
    const back = (c) => same(c.all(), restored) && c.status.revision > servedRevision;
    assert.ok(
      await until(() => sdks.every(back), full ? 120000 : 60000, 100),
      `every client is back on the restored state (${sdks.filter(back).length}/${n})`,
    );
    const convergedMs = performance.now() - down;
    const restoredRevision = Math.min(...sdks.map((c) => c.status.revision));

    // The first change after the restore (on the restored version) reaches every client.
    const changed = performance.now();
    await admin.state(project, env, 'beta', { defaultVariant: 'on', version: 1 });
    const after = await evaluateAll(server.base, key, { targetingKey: 'user-0' });
    assert.ok(await until(() => sdks.every((c) => same(c.all(), after)), 30000, 20), 'every client takes the first change after');
    return {
      clients: n,
      backupMs: Math.round(backupMs),
      servedRevision,
      restoredRevision,
      convergedAfterStopMs: Math.round(convergedMs),
      firstChangeAfterMs: Math.round(performance.now() - changed),
    };
  } finally {
    for (const c of sdks) c.close();
    await server.stop();
  }
}
