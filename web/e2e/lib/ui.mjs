// Helpers for driving the dashboard the way a person does: labels, roles and keys.
import { checkA11y } from './a11y.mjs';
import { checkNoOverflow } from './screens.mjs';

/** Picks `option` in the Mantine Select labelled `label`. */
export async function choose(scope, page, label, option) {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The API, called with the session of the signed-in page. */
export async function apiAs(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const token = localStorage.getItem('switchyard.token');
      const r = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

/**
 * A full-page screenshot `<name>.png`, then, on a dashboard page (not the SDK demo page), the
 * checks every page must pass: nothing scrolls sideways and axe finds nothing serious or critical
 * (lib/a11y.mjs). `{ checks: false }` takes the picture only.
 */
export async function shot(page, dir, name, { checks = true } = {}) {
  await page.waitForTimeout(300); // let charts and transitions settle
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  if (checks && (await page.locator('#root').count())) {
    await checkNoOverflow(page, name);
    await checkA11y(page, name);
  }
}

export function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Waits until `locator` matches exactly `n` elements. */
export async function waitCount(locator, n, what, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  let c = -1;
  while (Date.now() < end) {
    c = await locator.count();
    if (c === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: expected ${n}, got ${c}`);
}
