// A quiet neighbour beside an attack: its OFREP latencies with and without the attacker, in
// alternating windows (so that drift on a shared machine hits both alike), and the attacker's own
// outcome from lib/attack.mjs in a process of its own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Admin, percentile } from './api.mjs';

/** A tenant with 20 flags; its client key. */
export async function tenant(base) {
  const admin = await Admin.signup(base);
  const { project, env } = await admin.project();
  for (let i = 0; i < 20; i++) {
    await admin.flag(project, `f${i}`);
    await admin.state(project, env, `f${i}`, { defaultVariant: i % 2 ? 'on' : 'off', version: 0 });
  }
  return admin.key(project, env);
}

/** One OFREP bulk evaluation with extra headers: {status, ms}. */
function post(base, key, agent, headers) {
  const url = new URL(`${base}/ofrep/v1/evaluate/flags`);
  const t0 = performance.now();
  return new Promise((ok) => {
    const r = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key, ...headers } }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    r.on('error', () => ok({ status: 0, ms: performance.now() - t0 }));
    r.end('{"context":{"targetingKey":"u"}}');
  });
}

/** The neighbour: a steady 50 requests a second, one at a time; its latencies (all 200). */
export async function quiet(base, key, seconds, headers = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const next = performance.now() + 20;
    const r = await post(base, key, agent, headers);
    assert.equal(r.status, 200, 'the neighbour is always served');
    out.push(r.ms);
    const wait = next - performance.now();
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
  }
  agent.destroy();
  return out;
}

/** Starts `node attack.mjs MODE JSON`; resolves with its printed outcome when it exits. */
export function attack(mode, args) {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'attack.mjs'), mode, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((ok, fail) =>
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(out)) : fail(new Error(`attack ${mode} exited ${code}`)))),
  );
}

/** Resident memory of a process (MiB), from /proc; NaN where there is none. */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? +(Number(m[1]) / 1024).toFixed(1) : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds a process has used (user and system), from /proc; NaN where there is none. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * `pairs` quiet windows and attacked windows of `seconds`, alternating; `start(w)` starts the
 * attack of window `w` (a promise of its outcome), given `lead` ms to get going before measuring.
 */
export async function interleave({ base, key, headers, pairs, seconds, lead = 500, start, pid }) {
  await quiet(base, key, 1, headers); // warm up
  const baseline = [];
  const during = [];
  const outcomes = [];
  let serverCpu = 0;
  let attackedMs = 0;
  for (let w = 0; w < pairs; w++) {
    baseline.push(...(await quiet(base, key, seconds, headers)));
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const done = start(w);
    await new Promise((ok) => setTimeout(ok, lead));
    during.push(...(await quiet(base, key, seconds, headers)));
    outcomes.push(await done);
    serverCpu += cpuSeconds(pid) - cpu0;
    attackedMs += performance.now() - t0;
  }
  const p = (xs, q) => +percentile(xs, q).toFixed(2);
  const p99 = [p(baseline, 99), p(during, 99)];
  const attackerCpu = outcomes.reduce((n, o) => n + (o.attackerCpuSeconds || 0), 0);
  return {
    outcomes,
    // Cores used while attacked: the server (the neighbour's requests included) and the attacker.
    serverCores: +(serverCpu / (attackedMs / 1000)).toFixed(2),
    attackerCores: +(attackerCpu / (attackedMs / 1000)).toFixed(2),
    neighbourP50Ms: [p(baseline, 50), p(during, 50)],
    neighbourP99Ms: p99,
    p99Ratio: +(p99[1] / p99[0]).toFixed(2),
  };
}

/** Sums the numeric fields of the outcomes. */
export function total(outcomes) {
  const t = {};
  for (const o of outcomes) for (const [k, v] of Object.entries(o)) if (typeof v === 'number') t[k] = (t[k] || 0) + v;
  return t;
}

/** The bar, held by the full form (release build); the short form reports it. */
export function holdBar(full, figures) {
  if (full) assert.ok(figures.p99Ratio <= 1.5, `the neighbour's p99 stays within 1.5x of its quiet p99: ${JSON.stringify(figures)}`);
}
