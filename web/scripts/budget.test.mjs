// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBudget, firstLoadAssets, firstLoadSize } from './budget.mjs';

const gz = (s) => gzipSync(Buffer.from(s), { level: 9 }).length;

const html = `<!doctype html>
<html><head>
  <script type="module" crossorigin src="/assets/index-a1.js"></script>
  <link rel="modulepreload" crossorigin href="/assets/vendor-b2.js">
  <link rel="stylesheet" crossorigin href="/assets/index-c3.css">
  <link rel="icon" href="/favicon.svg">
  <!-- <script src="/assets/commented-out.js"></script> -->
  <script src="https://cdn.example.com/other-origin.js"></script>
</head><body><div id="root"></div></body></html>`;

const files = {
  'assets/index-a1.js': 'import "./vendor-b2.js"; const lazy = () => import("./Page-d4.js"); console.log("entry", lazy);'.repeat(20),
  'assets/vendor-b2.js': 'export const vendor = "shared code";'.repeat(30),
  'assets/index-c3.css': 'body { margin: 0 } .a { color: red }'.repeat(10),
  'assets/Page-d4.js': 'export default "a page loaded on demand";'.repeat(500),
};

let dir = '';
function fixture() {
  dir = mkdtempSync(path.join(os.tmpdir(), 'budget-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), html);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('first-load budget', () => {
  it('counts the entry script, modulepreloads and stylesheets, not icons, comments or other origins', () => {
    expect(firstLoadAssets(html)).toEqual(['/assets/index-a1.js', '/assets/vendor-b2.js', '/assets/index-c3.css']);
  });

  it('sums the gzipped size of the first-load files and leaves lazy chunks out', () => {
    const size = firstLoadSize(fixture());
    const expected = gz(files['assets/index-a1.js']) + gz(files['assets/vendor-b2.js']) + gz(files['assets/index-c3.css']);
    expect(size.gzip).toBe(expected);
    expect(size.files.map((f) => f.url)).not.toContain('/assets/Page-d4.js');
  });

  it('fails over the budget and names the sizes', () => {
    const d = fixture();
    const total = firstLoadSize(d).gzip;
    const over = checkBudget(d, (total - 1) / 1024);
    expect(over.ok).toBe(false);
    expect(over.report).toMatch(/over the budget/);
    expect(checkBudget(d, total / 1024).ok).toBe(true);
  });

  it('fails when the first load holds the charts, even under the budget', () => {
    const d = fixture();
    writeFileSync(path.join(d, 'assets/vendor-b2.js'), 'export const chart = "recharts-wrapper";');
    const r = checkBudget(d, 1000);
    expect(r.ok).toBe(false);
    expect(r.report).toMatch(/holds the charts \(recharts\)/);
  });

  it('fails when index.html loads nothing', () => {
    const d = fixture();
    writeFileSync(path.join(d, 'index.html'), '<html><body></body></html>');
    expect(checkBudget(d, 1000).ok).toBe(false);
  });
});
