#!/usr/bin/env node
// The first-load budget: the JavaScript and CSS a browser must fetch before the first paint, gzipped.
//
// Reads dist/index.html (what `vite build` wrote) and sums the gzipped size of what it loads at
// once: the entry script, every `modulepreload` and every stylesheet. Chunks loaded later (a page
// opened with React.lazy, the charts, the rule builder) are not counted. Fails, naming each file
// and its size, when the sum is over the budget. `npm run build` runs it after `vite build`.
//
//   node scripts/budget.mjs [distDir] [--budget-kb N]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The budget, in KiB (1024 bytes) of gzip. Measured and explained in web/README.md. */
export const BUDGET_KB = 170;

/**
 * Code that must load on demand, never at first paint, each known by a string only it contains:
 * the charts (recharts draws into `recharts-wrapper`) and the rule builder.
 */
export const ON_DEMAND_ONLY = [
  { what: 'the charts (recharts)', marker: 'recharts-wrapper' },
  { what: 'the targeting editor (rule builder)', marker: 'Serve something other than the default variant' },
];

/** Each `name="value"` (or unquoted) attribute of one tag's source, names lower-cased. */
function attributes(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    out[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

/**
 * The files index.html loads before the first paint, in document order and each once: module
 * scripts with a `src`, `<link rel="modulepreload">` and `<link rel="stylesheet">`. External URLs
 * (another origin) are not ours to count and are left out.
 */
export function firstLoadAssets(html) {
  const files = [];
  const add = (url) => {
    if (!url || /^([a-z]+:)?\/\//i.test(url) || url.startsWith('data:')) return;
    const clean = url.split(/[?#]/)[0];
    if (!files.includes(clean)) files.push(clean);
  };
  const noComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of noComments.matchAll(/<(script|link)\b([^>]*)>/gi)) {
    const a = attributes(m[2]);
    if (m[1].toLowerCase() === 'script') {
      if (a.src) add(a.src);
    } else {
      const rel = (a.rel ?? '').toLowerCase().split(/\s+/);
      if (rel.includes('modulepreload') || rel.includes('stylesheet')) add(a.href);
    }
  }
  return files;
}

/** Each first-load file of `distDir` with its size and gzipped size in bytes, and the totals. */
export function firstLoadSize(distDir) {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const files = firstLoadAssets(html).map((url) => {
    const file = path.join(distDir, decodeURIComponent(url.replace(/^\.?\//, '')));
    const bytes = readFileSync(file);
    const text = bytes.toString('utf8');
    const holds = ON_DEMAND_ONLY.filter((o) => text.includes(o.marker)).map((o) => o.what);
    return { url, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, holds };
  });
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzip: files.reduce((n, f) => n + f.gzip, 0),
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** The report printed by the command line, and whether the budget holds. */
export function checkBudget(distDir, budgetKb = BUDGET_KB) {
  const size = firstLoadSize(distDir);
  const lines = size.files.map((f) => `  ${f.url}  ${kb(f.bytes)}, ${kb(f.gzip)} gzipped${f.holds.length ? `  ✗ holds ${f.holds.join(' and ')}` : ''}`);
  const early = size.files.flatMap((f) => f.holds);
  const ok = size.files.length > 0 && size.gzip <= budgetKb * 1024 && early.length === 0;
  const verdict =
    size.files.length === 0
      ? `✗ first-load budget: ${path.join(distDir, 'index.html')} loads no script or stylesheet (is it a Vite build?)`
      : early.length
        ? `✗ the first load holds ${early.join(' and ')}, which must load on demand (React.lazy or import()).`
        : ok
        ? `✓ first load ${kb(size.gzip)} gzipped (budget ${budgetKb} KiB)`
        : `✗ first load is ${kb(size.gzip)} gzipped, over the budget of ${budgetKb} KiB by ${kb(size.gzip - budgetKb * 1024)}.\n` +
          '  Load the new code on demand (React.lazy, a dynamic import()) or, if the growth is worth it,\n' +
          '  raise BUDGET_KB in web/scripts/budget.mjs and the figure in web/README.md.';
  return { ok, size, report: ['first load (index.html: entry, modulepreload, stylesheets):', ...lines, verdict].join('\n') };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--budget-kb');
  const budget = i >= 0 ? Number(args.splice(i, 2)[1]) : BUDGET_KB;
  if (!Number.isFinite(budget) || budget <= 0) {
    console.error('--budget-kb needs a positive number of KiB');
    process.exit(2);
  }
  const distDir = path.resolve(args[0] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  try {
    const { ok, report } = checkBudget(distDir, budget);
    console.log(report);
    process.exit(ok ? 0 : 1);
  } catch (e) {
    console.error(`✗ first-load budget: ${e.message}`);
    process.exit(1);
  }
}
