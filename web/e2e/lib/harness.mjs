// A tiny step runner: each step is a test; the first failure stops the run (later steps build on
// earlier ones) and is reported with a screenshot. Ends with "N passed, N failed".
import path from 'node:path';

export function harness({ screenshotsDir }) {
  const results = [];
  let stopped = false;
  let page = null;
  return {
    setPage(p) {
      page = p;
    },
    async step(name, fn) {
      if (stopped) {
        results.push({ name, status: 'skipped' });
        console.log(`- skipped: ${name}`);
        return;
      }
      const t0 = Date.now();
      try {
        await fn();
        results.push({ name, status: 'passed' });
        console.log(`✓ ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        stopped = true;
        results.push({ name, status: 'failed', error: e });
        console.log(`✗ ${name}\n    ${String(e?.stack ?? e).split('\n').slice(0, 8).join('\n    ')}`);
        if (page) {
          const file = path.join(screenshotsDir, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
          await page.screenshot({ path: file, fullPage: true }).catch(() => {});
          console.log(`    screenshot: ${file}`);
        }
      }
    },
    summary() {
      const count = (s) => results.filter((r) => r.status === s).length;
      const [passed, failed, skipped] = [count('passed'), count('failed'), count('skipped')];
      return { passed, failed, skipped, line: `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}` };
    },
  };
}
