// A quiet neighbour beside an attack: its OFREP latencies with and without the attacker, in
// alternating windows (so that drift on a shared machine hits both alike), and the attacker's own
// outcome from a load generator in a process of its own, placed as lib/placement.mjs says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, percentile } from './api.mjs';
import { place, placement, spawnAttacker, spawnNeighbour } from './placement.mjs';

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

/** What a child process prints as JSON, once it has exited 0. */
function printed(child, what) {
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((ok, fail) =>
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(out)) : fail(new Error(`${what} exited ${code}`)))),
  );
}

/** The neighbour: a steady 100 requests a second, one at a time, from lib/neighbour.py (see there
 * why not Node); its latencies (ms), all answered 200. */
export function quiet(base, key, seconds, headers = {}) {
  const args = JSON.stringify({ port: Number(new URL(base).port), key, seconds, headers });
  const child = spawnNeighbour('python3', [join(import.meta.dirname, 'neighbour.py'), args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return printed(child, "the neighbour's client");
}

/** Starts `node lib/SCRIPT ...ARGS`; resolves with the JSON it prints when it exits. */
export function generator(script, args) {
  const child = spawnAttacker([join(import.meta.dirname, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return printed(child, `${script} ${args[0]}`);
}

/** Starts `node attack.mjs MODE JSON`; resolves with its printed outcome when it exits. */
export const attack = (mode, args) => generator('attack.mjs', [mode, JSON.stringify(args)]);

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
 * attack of window `w` (a promise of its outcome), given `lead` ms to get going before measuring;
 * `after(w)` runs after each attacked window. The server `pid` (and any `alsoPlaced`) runs placed.
 */
export async function interleave({ base, key, headers, pairs, seconds, lead = 500, start, after, pid, alsoPlaced = [] }) {
  const unplace = place(pid, ...alsoPlaced);
  try {
    return await windows({ base, key, headers, pairs, seconds, lead, start, after, pid });
  } finally {
    unplace();
  }
}

async function windows({ base, key, headers, pairs, seconds, lead, start, after, pid }) {
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
    if (after) await after(w);
  }
  const p = (xs, q) => +percentile(xs, q).toFixed(2);
  const p99 = [p(baseline, 99), p(during, 99)];
  const attackerCpu = outcomes.reduce((n, o) => n + (o.attackerCpuSeconds || 0), 0);
  return {
    outcomes,
    attackedSeconds: +(attackedMs / 1000).toFixed(1),
    placement,
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
