// DynamoDB transaction conflicts, throttling and lost answers under concurrent API writers: a
// proxy in front of moto (lib/faulty-dynamodb.mjs) faults ~30% of `TransactWriteItems` in
// alternating windows (cancelled with `TransactionConflict`, throttled, or run with the answer
// lost) and keeps DynamoDB's idempotency tokens, while 8 writers toggle shared flags (with their
// versions), their own flag, and create flags, and SDK clients watch. Then a storm where every
// transaction conflicts for longer than the store retries. Checked: every answer is 2xx, 409 or
// 503 with Retry-After; every 2xx write is in the audit exactly once (a retried commit is not run
// twice) and nothing else is, but for writes answered 503; each flag's versions and the
// environment's revisions go up by one per change, none lost; every client converges.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Admin, evaluateAll, newStats, percentile, same, sdk, until } from '../lib/api.mjs';
import { KINDS, createTable, faultyDynamoDb, seeded } from '../lib/faulty-dynamodb.mjs';
import { awsEnv, moto, sleep, switchyard } from '../lib/procs.mjs';

export const title = 'DynamoDB transaction conflicts, throttling and lost answers';
export const shortLimit = 120000;
export const fullLimit = 600000;

const SEED = 22;
const RATE = 0.3;
// Faults are on in even windows, off in odd ones: 3 s under the 8 writers (a write there waits
// its turn at moto, which runs one request at a time), 1 s for the lone writer.
const WINDOW_MS = 3000;
const SOLO_WINDOW_MS = 1000;
const WRITERS = 8;
const HOT = ['hot-0', 'hot-1'];

export async function run({ full, log }) {
  const size = full ? { ops: 30, clients: 100, soloMs: 12000, stormMs: 5000 } : { ops: 4, clients: 20, soloMs: 4000, stormMs: 4000 };
  const m = await moto();
  await createTable(m.url, 'txn-conflicts'); // without its stream (see createTable)
  let faulting = () => false; // nothing faulted while the scene is set
  // A fault is a conflict, a throttle or a lost answer, a third each.
  const kinds = ['conflict', 'conflict', 'provisioned', 'throttling', 'lost500', 'lostReset'];
  const proxy = await faultyDynamoDb(m.url, { rate: RATE, kinds, seed: SEED, active: () => faulting() });
  const args = ['--store', 'dynamodb', '--table', 'txn-conflicts', '--revision-check-secs', '2', '--flagd-addr', 'off'];
  const server = await switchyard('serve', args, awsEnv(proxy.url));
  const clients = [];
  const setupStarted = performance.now();
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    const path = (flag) => `/api/v1/projects/${project}/environments/${env}/flags/${flag}`;
    const own = Array.from({ length: WRITERS }, (_, w) => `own-${w}`);
    for (const flag of [...HOT, ...own]) {
      await admin.flag(project, flag);
      await admin.state(project, env, flag, { defaultVariant: 'off', version: 0 });
    }
    const key = await admin.key(project, env);
    const stats = newStats();
    for (let i = 0; i < size.clients; i++) clients.push(sdk(server.base, key, { targetingKey: `user-${i}` }, stats, {}, i));
    await Promise.all(clients.map((c) => c.ready()));
    const audit = await auditAfter(admin, project, 0);
    const seqStart = audit.length ? audit[audit.length - 1].seq : 0;
    const rss = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${m.child.pid}/status`, 'utf8'))[1]) / 1024);
    log(`moto RSS ${rss()} MiB`);
    log(`set up in ${Math.round(performance.now() - setupStarted)} ms: ${JSON.stringify(proxy.stats.byTarget)}`);
    log(`${size.clients} clients connected; ${WRITERS} writers × ${size.ops} operations, ${RATE * 100}% of transactions faulted every other ${WINDOW_MS} ms (seed ${SEED})`);

    // Clients' revisions never go back.
    let backwards = 0;
    const lastRevision = clients.map((c) => c.status.revision);
    const watch = setInterval(() => {
      clients.forEach((c, i) => {
        if (c.status.revision < lastRevision[i]) backwards++;
        lastRevision[i] = c.status.revision;
      });
    }, 25);

    const answers = []; // every HTTP answer to a write: {status, ms, faulted, retryAfter, text}
    const ok = []; // every 2xx: {flag, version?, variant?, create}
    const answered503 = new Map(); // flag → 503 answers to its writes
    let phase = { name: 'load', t0: performance.now(), window: WINDOW_MS };
    const t0 = phase.t0;
    const windowOf = (t) => Math.floor((t - phase.t0) / phase.window);
    faulting = () => windowOf(performance.now()) % 2 === 0;

    /** One write until it lands (or loses to a newer version): every answer recorded. */
    async function write(method, p, body, flag, create, versions) {
      for (let tries = 0; tries < 50; tries++) {
        const started = performance.now();
        const faulted = proxy.config.active();
        const r = await admin.call(method, p, body);
        const ended = performance.now();
        const within = windowOf(started) === windowOf(ended); // begun and answered in one window
        const stale = r.status === 409 && r.body?.error?.details?.currentVersion != null;
        answers.push({ phase: phase.name, status: r.status, ms: ended - started, faulted, within, stale, retryAfter: r.headers.get('retry-after'), text: r.text });
        if (r.status === 200 || r.status === 201) {
          ok.push(create ? { flag, create } : { flag, version: r.body.version, variant: r.body.defaultVariant });
          if (!create) versions[flag] = r.body.version;
          return r;
        }
        if (r.status === 503) {
          answered503.set(flag, (answered503.get(flag) || 0) + 1);
          await sleep(1000 * Number(r.headers.get('retry-after') || 1));
        } else if (r.status === 409 && create) {
          return r; // only after a 503: that try committed although it was not answered
        } else if (r.status === 409 && r.body?.error?.details?.currentVersion != null) {
          versions[flag] = r.body.error.details.currentVersion; // stale: take the newer version
          body = { ...body, version: versions[flag] };
        } else if (r.status === 409) {
          await sleep(50); // the organization's change number was busy: the same again
        } else {
          return r; // unexpected, reported below
        }
      }
      throw new Error(`${method} ${p}: no answer landed in 50 tries`);
    }

    const versions = Object.fromEntries([...HOT, ...own].map((f) => [f, 1]));
    const toggle = (flag, random, v) =>
      write('PUT', path(flag), { enabled: true, defaultVariant: random() < 0.5 ? 'on' : 'off', targeting: null, version: v[flag] }, flag, false, v);
    await Promise.all(
      own.map(async (mine, w) => {
        const random = seeded(SEED * 100 + w);
        const v = { ...versions };
        for (let i = 0; i < size.ops; i++) {
          const pick = random();
          if (pick < 0.35) await toggle(HOT[Math.floor(random() * HOT.length)], random, v);
          else if (pick < 0.8) await toggle(mine, random, v);
          else await write('POST', `/api/v1/projects/${project}/flags`, { key: `new-${w}-${i}`, type: 'boolean', variants: [{ name: 'on', value: true }, { name: 'off', value: false }] }, `new-${w}-${i}`, true, v);
        }
        versions[mine] = v[mine];
      }),
    );
    const loadMs = performance.now() - t0;

    // A lone writer toggling its own flag: what the faults cost a write without the queue at moto.
    phase = { name: 'solo', t0: performance.now(), window: SOLO_WINDOW_MS };
    {
      const v = { ...versions };
      const random = seeded(SEED);
      while (performance.now() - phase.t0 < size.soloMs) await toggle(own[0], random, v);
      versions[own[0]] = v[own[0]];
    }
    const mainAnswers = answers.length;
    const beforeStorm = structuredClone(proxy.stats);

    // The storm: every transaction conflicts for longer than the store's 8 tries take.
    faulting = () => true;
    proxy.config.rate = 1;
    proxy.config.kinds = ['conflict'];
    phase = { name: 'storm', t0: performance.now(), window: size.stormMs };
    const stormEnds = performance.now() + size.stormMs;
    const stormAnswers = [];
    const stormed = Promise.all(
      own.map(async (mine, w) => {
        const r = await write('PUT', path(mine), { enabled: true, defaultVariant: w % 2 ? 'on' : 'off', targeting: null, version: versions[mine] }, mine, false, versions);
        stormAnswers.push(performance.now() - stormEnds);
        return r;
      }),
    );
    await sleep(size.stormMs);
    faulting = () => false;
    await stormed;
    const storm = answers.slice(mainAnswers);
    const lastWrite = performance.now();
    log(`moto RSS ${rss()} MiB`);
    log(`load and storm done in ${Math.round(lastWrite - t0)} ms: ${JSON.stringify(proxy.stats.byTarget)}`);

    // Every client converges on the stored state, at the environment's last revision; so does
    // the server's own OFREP answer.
    const records = (await auditAfter(admin, project, seqStart)).filter((r) => r.seq > seqStart);
    const revision = records.at(-1).revisions[env];
    const expected = {};
    for (const flag of [...HOT, ...own]) expected[flag] = (await admin.must('GET', path(flag))).defaultVariant === 'on';
    // (A change that moves no value a client sees is not sent to it: its revision may stay lower.)
    const converged = (c) => same(c.all(), expected) && c.status.revision <= revision;
    const settled = await until(() => clients.every(converged), 30000, 10);
    const ofrep = await evaluateAll(server.base, key, { targetingKey: 'user-0' });
    const behind = clients.filter((c) => !converged(c)).map((c) => ({ revision: c.status.revision, transport: c.status.transport, wrong: Object.keys(expected).filter((f) => c.all()[f] !== expected[f]) }));
    assert.ok(settled, `every client converges on revision ${revision}: ${JSON.stringify(behind.slice(0, 3))} (${behind.length} behind); OFREP ${JSON.stringify(ofrep)}, stored ${JSON.stringify(expected)}`);
    assert.ok(same(ofrep, expected), `OFREP answers the stored state: ${JSON.stringify(ofrep)}`);
    const convergedMs = performance.now() - lastWrite;
    clearInterval(watch);

    // Answers: 2xx, 409, or 503 with Retry-After; never anything else.
    const byStatus = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] || 0) + 1;
    const odd = answers.filter((a) => ![200, 201, 409, 503].includes(a.status));
    assert.deepEqual(odd.map((a) => `${a.status} ${a.text}`), [], 'only 2xx, 409 and 503 answers');
    assert.ok(answers.filter((a) => a.status === 503).every((a) => Number(a.retryAfter) >= 1), 'every 503 has Retry-After');
    assert.ok(storm.some((a) => a.status === 503), 'the storm outlasted the store retries: 503');

    // The audit: every 2xx write exactly once, nothing else but writes answered 503.
    const seen = new Map();
    for (const r of records) {
      const flag = r.target.replace(/^flag:/, '');
      const id = r.action === 'flag.create' ? `create ${flag}` : `${flag} v${r.after?.version}`;
      assert.ok(['flag.create', 'flag_state.update'].includes(r.action), `unexpected audit action ${r.action}`);
      seen.set(id, [...(seen.get(id) || []), r]);
    }
    const duplicates = [...seen.values()].filter((rs) => rs.length > 1).length;
    assert.equal(duplicates, 0, 'no change recorded twice');
    const okIds = new Set(ok.map((o) => (o.create ? `create ${o.flag}` : `${o.flag} v${o.version}`)));
    assert.equal(okIds.size, ok.length, 'no two 2xx answers for the same version');
    const missing = [...okIds].filter((id) => !seen.has(id));
    assert.deepEqual(missing, [], 'every 2xx write is in the audit');
    const unanswered = [...seen.keys()].filter((id) => !okIds.has(id));
    for (const id of unanswered) {
      const flag = id.replace(/^create /, '').replace(/ v\d+$/, '');
      assert.ok((answered503.get(flag) || 0) > 0, `${id} is in the audit but no write of ${flag} was answered 2xx or 503`);
    }

    // Versions go up by one per change from the one before (no lost update); so do revisions.
    const chain = {};
    let lastRev = 0;
    let lastSeq = seqStart;
    for (const r of records) {
      assert.equal(r.seq, lastSeq + 1, 'change numbers follow each other');
      lastSeq = r.seq;
      assert.ok(r.revisions[env] > lastRev, `revision ${r.revisions[env]} after ${lastRev}`);
      lastRev = r.revisions[env];
      if (r.action !== 'flag_state.update') continue;
      const flag = r.target.replace(/^flag:/, '');
      const before = chain[flag] ?? 1; // every flag was at version 1 before the load
      assert.equal(r.before?.version, before, `${flag}: changed from the version before`);
      assert.equal(r.after.version, before + 1, `${flag}: one version up`);
      chain[flag] = r.after.version;
    }
    for (const [flag, version] of Object.entries(chain)) {
      const now = await admin.must('GET', path(flag));
      const last = records.filter((r) => r.target === `flag:${flag}`).at(-1);
      assert.equal(now.version, version, `${flag}: stored version is the audit's last`);
      assert.equal(now.defaultVariant, last.after.defaultVariant, `${flag}: stored state is the audit's last`);
    }
    assert.equal(backwards, 0, 'no client revision went backwards');

    const ms = (name, faulted) => answers.filter((a) => a.phase === name && a.within && a.faulted === faulted).map((a) => a.ms);
    const latency = (name, faulted) => {
      const xs = ms(name, faulted);
      return { n: xs.length, p50: round(percentile(xs, 50)), p99: round(percentile(xs, 99)) };
    };
    const round = (x) => Math.round(x * 10) / 10;
    const s = proxy.stats;
    const b = beforeStorm; // the load and the lone writer
    const figures = {
      writers: WRITERS,
      operations: WRITERS * size.ops,
      clients: size.clients,
      loadSeconds: round(loadMs / 1000),
      answers: byStatus,
      stale409: answers.filter((a) => a.stale).length,
      busy409: answers.filter((a) => a.status === 409 && !a.stale).length,
      storm503: storm.filter((a) => a.status === 503).length,
      stormLandedAfterMs: Math.round(Math.max(...stormAnswers)),
      transactions: b.transactions,
      faults: b.faults,
      retries: b.transactions - b.tokens,
      runByMoto: b.forwarded,
      replayedFromToken: b.replayed,
      inProgress: b.inProgress,
      reads: b.other,
      stormTransactions: s.transactions - b.transactions,
      stormConflicts: s.faults.conflict - b.faults.conflict,
      tokenMismatches: s.mismatched,
      auditEntries: records.length,
      okWrites: ok.length,
      committedAnswered503: unanswered.length,
      latencyMs: {
        writers: { faulted: latency('load', true), clean: latency('load', false) },
        lone: { faulted: latency('solo', true), clean: latency('solo', false) },
      },
      convergedMs: Math.round(convergedMs),
      finalRevision: revision,
    };
    assert.equal(s.mismatched, 0, 'a token is never reused for another transaction');
    assert.ok(KINDS.every((k) => s.faults[k] > 0) || !full, `every kind of fault injected: ${JSON.stringify(s.faults)}`);
    log(`answers ${JSON.stringify(byStatus)}; faults ${JSON.stringify(b.faults)}; ${figures.retries} retries, ${b.replayed} answered from a committed token`);
    log(`checked in ${Math.round(performance.now() - lastWrite)} ms`);
    log(`audit ${records.length} entries = ${ok.length} × 2xx + ${unanswered.length} answered 503; converged ${figures.convergedMs} ms after the last write`);
    return figures;
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    await proxy.stop();
    await m.stop();
  }
}

/** The project's change records after `seq`, oldest first. */
async function auditAfter(admin, project, seq) {
  const out = [];
  let cursor = null;
  do {
    const q = `project=${project}&order=asc&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await admin.must('GET', `/api/v1/orgs/${admin.org}/audit?${q}`);
    out.push(...page.items.map((i) => ({ ...i })));
    cursor = page.next;
  } while (cursor);
  return out.filter((r) => r.seq > seq);
}
