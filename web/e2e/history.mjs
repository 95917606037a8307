// The history story: an owner makes a few changes (a flag turned on in production, its rules
// changed in development), reads them in the audit log as sentences with a structured diff,
// filters the log by environment (kept in the URL, so the link shares the view), then moves
// around with the keyboard: the command palette (Ctrl+K) jumps to a flag, `g a` to the audit
// log, `?` lists the shortcuts.
import { signUp } from './lib/accounts.mjs';
import { apiAs, choose, expectEqual, shot, waitCount } from './lib/ui.mjs';

const FLAG = 'hero-banner';
const OTHER = 'checkout';

async function createFlag(page, key, name) {
  await page.getByRole('button', { name: 'New flag' }).click();
  await page.getByLabel(/^Key/).fill(key);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create flag' }).click();
  await page.waitForURL(new RegExp(`/flags/${key}$`));
}

export async function history({ t, context, server, screenshotsDir: dir }) {
  const base = server.url;
  const page = context.pages()[0] ?? (await context.newPage());
  t.setPage(page);
  let orgId = '';
  let projectId = '';
  const envUrl = (env) => `${base}/orgs/${orgId}/projects/${projectId}/envs/${env}`;
  const auditUrl = () => `${base}/orgs/${orgId}/audit`;
  const envId = async (key) => (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments`)).body.find((e) => e.key === key).id;
  const entries = () => page.getByTestId('audit-entry');

  await t.step('the owner signs up, creates a project and two flags', async () => {
    await signUp(page, base, { name: 'Ada Lovelace', email: 'ada@history.example', org: 'Analytical' });
    await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
    orgId = page.url().split('/orgs/')[1].split('/')[0];
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill('Storefront');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/envs\/development\/flags$/);
    projectId = page.url().split('/projects/')[1].split('/')[0];
    await createFlag(page, FLAG, 'Hero banner');
    await page.goto(`${envUrl('development')}/flags`);
    await createFlag(page, OTHER, 'Checkout');
  });

  await t.step('a few changes: the flag turned on in production, its rules changed in development', async () => {
    await page.goto(`${envUrl('production')}/flags/${FLAG}`);
    await page.getByLabel('Enabled in production').check();
    await page.getByRole('button', { name: 'Save production' }).click();
    // Production is critical (the server's default where it says so): the save asks first.
    const confirm = page.getByRole('dialog', { name: `Turn on ${FLAG} in production?` }).getByRole('button', { name: 'Turn on in production' });
    const saved = page.getByText(new RegExp(`^Saved ${FLAG} in production`));
    await confirm.or(saved).first().waitFor();
    if (await confirm.isVisible()) await confirm.click();
    const prod = `/api/v1/projects/${projectId}/environments/${await envId('production')}/flags/${FLAG}`;
    for (let i = 0; i < 50 && !(await apiAs(page, 'GET', prod)).body.enabled; i++) await page.waitForTimeout(100);
    expectEqual((await apiAs(page, 'GET', prod)).body.enabled, true, 'the flag in production');
    // The rules through the API, as a CI job would write them.
    const dev = await envId('development');
    const path = `/api/v1/projects/${projectId}/environments/${dev}/flags/${FLAG}`;
    const now = (await apiAs(page, 'GET', path)).body;
    const targeting = { if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'on', 'off'] };
    const put = await apiAs(page, 'PUT', path, { enabled: true, defaultVariant: now.defaultVariant ?? null, targeting, prerequisites: [], version: now.version });
    expectEqual(put.status, 200, 'the rules saved');
  });

  await t.step('the audit log says each change as a sentence, with the environment', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/audit$/);
    const on = entries().filter({ hasText: `Ada Lovelace turned on ${FLAG} in production` });
    await on.waitFor();
    await entries().filter({ hasText: `Ada Lovelace turned on ${FLAG} in development and changed its targeting` }).waitFor();
    await entries().filter({ hasText: `Ada Lovelace created the boolean flag ${OTHER}` }).waitFor();
    await entries().filter({ hasText: 'Ada Lovelace created project Storefront' }).waitFor();
    // Never a raw action code as the text.
    const sentences = await page.getByTestId('audit-sentence').allInnerTexts();
    const raw = sentences.filter((s) => /\b[a-z_]+\.[a-z_]+\b/.test(s) && !s.includes('@'));
    expectEqual(raw, [], 'sentences that read as codes');
    await shot(page, dir, 'audit-sentences');
  });

  await t.step('an entry opens on a structured diff, its rules in words, with the JSON on request', async () => {
    const rules = entries().filter({ hasText: 'changed its targeting' }).first();
    await rules.getByRole('button').first().click();
    await rules.getByTestId('change-line').filter({ hasText: 'Enabled: off → on' }).waitFor();
    await rules.getByTestId('change-line').filter({ hasText: 'Rule 1 added: if country is one of ["DE", "FR"] → serve on' }).waitFor();
    await rules.getByRole('switch', { name: 'Show JSON' }).check();
    await rules.getByTestId('diff-json').getByText('/targeting').waitFor();
    await shot(page, dir, 'audit-diff');
  });

  await t.step('the log filtered by environment keeps the filter in the URL, and the link shares the view', async () => {
    // The header has pickers of the same names: the log's own filters.
    const filters = page.getByTestId('audit-filters');
    await choose(filters, page, 'Project', 'Storefront');
    await page.waitForURL(/[?&]project=/);
    await choose(filters, page, 'Environment', 'production');
    await page.waitForURL(/[?&]environment=production/);
    await page.getByTestId('audit-summary').getByText('Changes in production (Storefront)').waitFor();
    await entries().filter({ hasText: 'in development' }).first().waitFor({ state: 'detached' });
    await entries().filter({ hasText: `turned on ${FLAG} in production` }).waitFor();
    const n = await entries().count();
    const all = await page.getByTestId('audit-sentence').allInnerTexts();
    if (all.some((s) => !s.includes('production'))) throw new Error(`an entry outside production: ${all.join(' | ')}`);
    // The same link in a fresh load shows the same view.
    await page.goto(page.url());
    await page.getByTestId('audit-summary').getByText('Changes in production (Storefront)').waitFor();
    await waitCount(entries(), n, 'entries after reloading the filtered link');
    await shot(page, dir, 'audit-filtered');
  });

  await t.step('the command palette opens with Ctrl+K and jumps to a flag', async () => {
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Control+k');
    const search = page.getByRole('textbox', { name: 'Search flags, pages and actions' });
    await search.waitFor();
    await search.fill('hero');
    await page.getByRole('dialog').getByRole('button', { name: new RegExp(FLAG) }).waitFor();
    await shot(page, dir, 'palette');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/envs/[^/]+/flags/${FLAG}$`));
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  await t.step('keyboard shortcuts: g a to the audit log, g f to the flags, ? for the list', async () => {
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await page.waitForURL(/\/audit$/);
    await entries().first().waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('f');
    await page.waitForURL(/\/flags$/);
    await page.keyboard.press('Shift+?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).getByText('Go to the audit log').waitFor();
    await shot(page, dir, 'shortcuts');
    await page.keyboard.press('Escape');
  });
}
