// Bundles the SDK: a minified IIFE for <script> tags (global `Switchyard`, no dependencies) and ES
// modules for npm (the OpenFeature provider imports @openfeature/web-sdk, a peer dependency).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 8 * 1024;

await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'Switchyard',
  target: ['es2019'],
  outfile: 'dist/switchyard.min.js',
  legalComments: 'none',
});
await build({
  entryPoints: ['src/index.ts', 'src/openfeature.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2019'],
  outdir: 'dist',
  sourcemap: true,
  external: ['@openfeature/web-sdk'],
});

const raw = readFileSync('dist/switchyard.min.js');
const gz = gzipSync(raw, { level: 9 }).length;
console.log(`dist/switchyard.min.js: ${raw.length} bytes, ${gz} bytes gzipped (budget ${BUDGET})`);
if (gz > BUDGET) {
  console.error('the script-tag bundle is over its size budget');
  process.exit(1);
}
