// make reliability: every scenario against real processes on loopback, bounded in time, printing
// its figures. `node run.mjs` is the short form (make test); `--full` the whole size; names pick.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const full = process.argv.includes('--full');
const pick = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dir = join(import.meta.dirname, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
const results = [];
let failed = 0;

for (const file of files) {
  if (pick.length && !pick.some((p) => file.includes(p))) continue;
  const s = await import(join(dir, file));
  const limit = (full ? s.fullLimit : s.shortLimit) || 120000;
  const started = Date.now();
  console.log(`\n== ${file}: ${s.title}`);
  try {
    const figures = await Promise.race([
      s.run({ full, log: (...a) => console.log('  ', ...a) }),
      new Promise((_, fail) => setTimeout(() => fail(new Error(`did not finish in ${limit / 1000} s`)), limit).unref()),
    ]);
    const seconds = (Date.now() - started) / 1000;
    results.push({ scenario: file, title: s.title, ok: true, seconds, figures });
    console.log(`ok (${seconds.toFixed(1)} s)`, JSON.stringify(figures));
  } catch (e) {
    failed++;
    results.push({ scenario: file, title: s.title, ok: false, error: String(e && e.stack || e) });
    console.log(`FAILED: ${e && e.stack || e}`);
  }
}

mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', `${full ? 'full' : 'short'}.json`), JSON.stringify(results, null, 2));
console.log(`\n${results.length - failed} of ${results.length} scenarios passed (${full ? 'full' : 'short'} form)`);
process.exit(failed ? 1 : 0);
