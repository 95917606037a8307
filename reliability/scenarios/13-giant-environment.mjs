// A giant environment: flags with allow-lists as big as the API takes (256 KiB of targeting
// each) are added until the environment's size quota refuses one (422 `quota_exceeded`, naming
// `environment_bytes`: the 10 MiB environment cannot be written any more). Then, for the
// biggest environment the quota lets in: what one node holds for it, how long its first load
// takes (every flag compiled), and what a one-flag edit costs in reload time and memory (only
// that flag recompiled).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Admin, request } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Giant environment';
export const shortLimit = 150000;
export const fullLimit = 300000;

const MiB = 1024 * 1024;
const rss = (server) => {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
};

/** An allow-list rule of just under 256 KiB (the API's limit for one targeting rule). */
function allowList(flag) {
  const ids = [];
  let bytes = 40;
  for (let i = 0; bytes < 256 * 1024 - 64; i++) {
    const id = `user-${flag}-${String(i).padStart(7, '0')}`;
    ids.push(id);
    bytes += id.length + 3;
  }
  ids.pop();
  return { if: [{ in: [{ var: 'targetingKey' }, ids] }, 'on', 'off'] };
}

async function bulk(base, key, context) {
  const t0 = performance.now();
  const r = await request(base, 'POST', '/ofrep/v1/evaluate/flags', { key, body: { context } });
  assert.equal(r.status, 200, r.text);
  return { ms: performance.now() - t0, flags: Object.fromEntries(r.body.flags.map((f) => [f.key, f])) };
}

/** Polls OFREP until `check` holds for its answer; the time from `since`. */
async function until(base, key, context, check, since) {
  for (;;) {
    const { flags } = await bulk(base, key, context);
    if (check(flags)) return performance.now() - since;
    await new Promise((ok) => setTimeout(ok, 5));
  }
}

export async function run({ full, log }) {
  // The environment had 40 such flags; the quota stops it long before.
  const tries = Number(process.env.GIANT_FLAGS || 40);
  const server = await switchyard('serve');
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    await admin.flag(project, 'small');
    await admin.state(project, env, 'small', { defaultVariant: 'off', version: 0 });
    let docBytes = 0;
    let count = 0;
    let refused = null;
    for (let i = 0; i < tries && !refused; i++) {
      await admin.flag(project, `allow${i}`);
      const targeting = allowList(i);
      const r = await admin.state(project, env, `allow${i}`, { defaultVariant: 'off', targeting, version: 0 });
      if (r.status === 200) {
        docBytes += JSON.stringify(targeting).length;
        count++;
      } else {
        assert.equal(r.status, 422, r.text.slice(0, 300));
        assert.equal(r.body.error.code, 'quota_exceeded', r.text.slice(0, 300));
        assert.equal(r.body.error.details.quota, 'environment_bytes', r.text.slice(0, 300));
        refused = { at: i + 1, limit: r.body.error.details.limit };
      }
    }
    assert.ok(refused, `the size quota refused none of ${tries} allow-lists`);
    assert.ok(count >= 2, 'at least two allow-lists fit under the quota');
    const key = await admin.key(project, env, 'server');
    const ctx = { targetingKey: 'user-0-0000007' };
    await new Promise((ok) => setTimeout(ok, 500));
    const before = rss(server);
    const first = await bulk(server.base, key, ctx); // loads and compiles the whole environment
    assert.equal(first.flags.allow0.value, true);
    const loaded = rss(server);
    const warm = [];
    for (let i = 0; i < 5; i++) warm.push((await bulk(server.base, key, ctx)).ms);

    // A one-flag edit of the small flag, then of one allow-list: each reload compiles one flag.
    let t0 = performance.now();
    let r = await admin.state(project, env, 'small', { defaultVariant: 'on', version: 1 });
    assert.equal(r.status, 200, r.text);
    const smallEditMs = await until(server.base, key, ctx, (f) => f.small.value === true, t0);
    const afterSmall = rss(server);
    const edited = allowList(count + 1);
    t0 = performance.now();
    r = await admin.state(project, env, 'allow1', { defaultVariant: 'on', targeting: edited, version: 1 });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const bigEditMs = await until(server.base, key, { targetingKey: `user-${count + 1}-0000003` }, (f) => f.allow1.variant === 'on', t0);
    const afterBig = rss(server);

    const figures = {
      refusedAtFlag: refused.at,
      quotaBytes: refused.limit,
      flags: count + 1,
      targetingMiB: +(docBytes / MiB).toFixed(2),
      heldMiB: +((loaded - before) / MiB).toFixed(1),
      firstLoadMs: +first.ms.toFixed(0),
      bulkMs: +Math.min(...warm).toFixed(1),
      smallEditReloadMs: +smallEditMs.toFixed(0),
      smallEditMiB: +((afterSmall - loaded) / MiB).toFixed(1),
      bigEditReloadMs: +bigEditMs.toFixed(0),
      bigEditMiB: +((afterBig - afterSmall) / MiB).toFixed(1),
      rssMiB: +(afterBig / MiB).toFixed(1),
    };
    log(`the size quota (${refused.limit} bytes) refused allow-list ${refused.at}`);
    log(`${figures.flags} flags, ${figures.targetingMiB} MiB of targeting: held ${figures.heldMiB} MiB; first load ${figures.firstLoadMs} ms; bulk ${figures.bulkMs} ms`);
    log(`one-flag edit (small flag): visible in ${figures.smallEditReloadMs} ms, ${figures.smallEditMiB} MiB; (one allow-list): ${figures.bigEditReloadMs} ms, ${figures.bigEditMiB} MiB`);
    return figures;
  } finally {
    await server.stop();
  }
}
