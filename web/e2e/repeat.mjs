#!/usr/bin/env node
// The whole end-to-end run (e2e/run.mjs: every story, fresh servers and browsers each time), N
// times in a row, to catch flaky steps. Stops at the first run that fails, printing each run's
// result as it ends and all of them at the end.
//
//   npm run e2e:repeat                  # 5 runs
//   E2E_REPEAT=10 npm run e2e:repeat    # or: node e2e/repeat.mjs 10
// Everything run.mjs reads (SWITCHYARD_BIN, E2E_STORIES, …) is passed on.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const times = Number(process.argv[2] ?? process.env.E2E_REPEAT ?? 5);
if (!Number.isInteger(times) || times < 1) {
  console.error(`E2E_REPEAT (or the first argument) must be a whole number of runs, at least 1; got ${process.argv[2] ?? process.env.E2E_REPEAT}`);
  process.exit(2);
}

/** One run of run.mjs, its output shown as it comes; resolves with its exit code and last result line. */
function once() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, 'run.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let last = '';
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
      for (const line of tail.split('\n')) if (/^\d+ passed, \d+ failed/.test(line)) last = line.trim();
    });
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, result: last || '(no result line)' }));
  });
}

// Ctrl-C reaches the running run.mjs too, which stops its servers and browsers itself.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

const runs = [];
for (let i = 1; i <= times; i++) {
  console.log(`\n===== e2e run ${i} of ${times}`);
  const t0 = Date.now();
  const r = await once();
  const seconds = Math.round((Date.now() - t0) / 1000);
  const line = `run ${i}/${times}: ${r.code === 0 ? 'ok' : 'FAILED'}: ${r.result} (${seconds} s)`;
  runs.push({ ...r, line });
  console.log(`===== ${line}`);
  if (r.code !== 0) break;
}

console.log('\ne2e repeat:');
for (const r of runs) console.log(`  ${r.line}`);
const failed = runs.filter((r) => r.code !== 0).length;
if (failed) console.log(`stopped at the first failing run; its screenshots are in ${path.join(here, 'screenshots')}`);
console.log(`${runs.length - failed} passed, ${failed} failed${times - runs.length ? `, ${times - runs.length} skipped` : ''}`);
process.exit(failed ? 1 : 0);
