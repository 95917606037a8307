// A noisy tenant floods the SDK endpoints: it gets 429 while a quiet tenant's latency stays close
// to its quiet baseline.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { Admin, percentile } from '../lib/api.mjs';
import { ofrepPost } from '../lib/ofrep-post.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Noisy tenant';
export const shortLimit = 120000;
export const fullLimit = 240000;

async function tenant(base) {
  const admin = await Admin.signup(base);
  const { project, env } = await admin.project();
  for (let i = 0; i < 20; i++) {
    await admin.flag(project, `f${i}`);
    await admin.state(project, env, `f${i}`, { defaultVariant: i % 2 ? 'on' : 'off', version: 0 });
  }
  return admin.key(project, env);
}

/** The quiet tenant: a steady 50 requests a second, one at a time; its latencies. */
async function quiet(base, key, seconds) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const next = performance.now() + 20;
    const r = await ofrepPost(base, key, agent);
    assert.equal(r.status, 200);
    out.push(r.ms);
    const wait = next - performance.now();
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
  }
  agent.destroy();
  return out;
}

export async function run({ full, log }) {
  const pairs = full ? 10 : 3;
  const seconds = pairs * 2;
  const server = await switchyard('serve', ['--rate-limit', '50']);
  try {
    const calm = await tenant(server.base);
    const loud = await tenant(server.base);
    await quiet(server.base, calm, 1); // warm up
    // Quiet and flooded windows alternate, so that drift on a shared machine hits both alike.
    const baseline = [];
    const during = [];
    const raw = {};
    for (let w = 0; w < pairs; w++) {
      baseline.push(...(await quiet(server.base, calm, 2)));
      const flood = spawn(process.execPath, [join(import.meta.dirname, '../lib/flood.mjs'), server.base, loud, '2.6', process.env.FLOOD_CONCURRENCY || '16'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      flood.stdout.on('data', (d) => (out += d));
      const done = new Promise((ok) => flood.on('exit', ok));
      await new Promise((ok) => setTimeout(ok, 300)); // the flood is on before measuring
      during.push(...(await quiet(server.base, calm, 2)));
      await done;
      for (const [k, v] of Object.entries(JSON.parse(out))) raw[k] = (raw[k] || 0) + v;
    }
    const counts = { 200: raw[200] || 0, 429: raw[429] || 0, other: Object.entries(raw).filter(([k]) => k !== '200' && k !== '429').reduce((n, [, v]) => n + v, 0) };

    const p99 = { quiet: percentile(baseline, 99), flooded: percentile(during, 99) };
    const p50 = { quiet: percentile(baseline, 50), flooded: percentile(during, 50) };
    const ratio = p99.flooded / p99.quiet;
    log(`noisy tenant: ${counts[200]} × 200, ${counts[429]} × 429 in ${seconds} s; quiet tenant p50 ${p50.quiet.toFixed(2)} → ${p50.flooded.toFixed(2)} ms, p99 ${p99.quiet.toFixed(2)} → ${p99.flooded.toFixed(2)} ms`);
    assert.ok(counts[429] > 0, 'the flood is rate limited');
    assert.equal(counts.other, 0);
    const figures = {
      noisy200: counts[200], noisy429: counts[429],
      quietP50Ms: [+p50.quiet.toFixed(2), +p50.flooded.toFixed(2)],
      quietP99Ms: [+p99.quiet.toFixed(2), +p99.flooded.toFixed(2)],
      p99Ratio: +ratio.toFixed(2),
    };
    // A latency bound is a measurement: the short form (make test, on a debug build) reports it,
    // the full form (make reliability, release build) holds it.
    if (full) assert.ok(ratio <= 1.1, `the quiet tenant's p99 stays within 10% of its baseline: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await server.stop();
  }
}
