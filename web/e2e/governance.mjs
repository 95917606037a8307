// The governance story: an owner makes production require one approval; an editor (in a browser
// of their own) proposes turning a flag on there; the owner approves it in the dashboard; the
// editor applies it, and the SDK demo page sees the flag change. Then a change scheduled in
// development shows on the schedules view.
import dayjs from 'dayjs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { acceptInvitation, signUp } from './lib/accounts.mjs';
import { apiAs, choose, expectEqual, shot } from './lib/ui.mjs';

const FLAG = 'one-click';
const TITLE = `Turn on ${FLAG} in production`;

/** Picks a date and time in the Mantine DateTimePicker labelled `label` (the dropdown opens on click). */
async function pickDateTime(page, label, at) {
  await page.getByLabel(label).click();
  const months = dayjs(at).startOf('month').diff(dayjs().startOf('month'), 'month');
  for (let i = 0; i < months; i++) await page.locator('.mantine-DateTimePicker-dropdown [data-direction="next"]').click();
  await page.getByRole('button', { name: dayjs(at).format('D MMMM YYYY'), exact: true }).click();
  const [h, m] = [page.getByRole('spinbutton').nth(0), page.getByRole('spinbutton').nth(1)];
  await h.fill(dayjs(at).format('HH'));
  await m.fill(dayjs(at).format('mm'));
  await page.locator('.mantine-DateTimePicker-submitButton').click();
}

export async function governance({ t, context, launch, server, demo, examplesDir, sdkBundle, screenshotsDir: dir }) {
  const base = server.url;
  const owner = context.pages()[0] ?? (await context.newPage());
  t.setPage(owner);
  let editor = null;
  let orgId = '';
  let projectId = '';
  let prodId = '';
  let clientKey = '';
  let invitation = '';
  let requestUrl = '';
  const envUrl = (env) => `${base}/orgs/${orgId}/projects/${projectId}/envs/${env}`;
  const flagUrl = (env) => `${envUrl(env)}/flags/${FLAG}`;
  const statePath = (env) => `/api/v1/projects/${projectId}/environments/${env}/flags/${FLAG}`;

  await t.step('the owner signs up, creates a project and a flag', async () => {
    await signUp(owner, base, { name: 'Olga Owner', email: 'olga@example.com', org: 'Globex' });
    await owner.waitForURL(/\/orgs\/[^/]+\/projects$/);
    orgId = owner.url().split('/orgs/')[1].split('/')[0];
    await owner.getByRole('button', { name: 'New project' }).click();
    await owner.getByLabel('Project name').fill('Checkout service');
    await owner.getByRole('button', { name: 'Create project' }).click();
    await owner.waitForURL(/\/envs\/development\/flags$/);
    projectId = owner.url().split('/projects/')[1].split('/')[0];
    await owner.getByRole('button', { name: 'New flag' }).click();
    await owner.getByLabel(/^Key/).fill(FLAG);
    await owner.getByLabel('Name', { exact: true }).fill('One-click checkout');
    await owner.getByRole('button', { name: 'Create flag' }).click();
    await owner.waitForURL(new RegExp(`/flags/${FLAG}$`));
    prodId = (await apiAs(owner, 'GET', `/api/v1/projects/${projectId}/environments`)).body.find((e) => e.key === 'production').id;
  });

  await t.step('the owner invites an editor', async () => {
    await owner.goto(`${base}/orgs/${orgId}/members`);
    await owner.getByLabel('Email', { exact: true }).fill('eddie@example.com');
    await choose(owner, owner, 'Role', 'editor');
    await owner.getByRole('button', { name: 'Invite' }).click();
    invitation = (await owner.getByTestId('invitation-token').innerText()).trim();
  });

  await t.step('the editor signs up in a browser of their own and accepts the invitation', async () => {
    const ctx = await launch('governance-editor');
    editor = ctx.pages()[0] ?? (await ctx.newPage());
    await signUp(editor, base, { name: 'Eddie Editor', email: 'eddie@example.com', org: 'Eddie Co' });
    await editor.waitForURL(/\/orgs\/[^/]+\/projects$/);
    await acceptInvitation(editor, base, invitation, orgId);
  });

  await t.step('the owner makes production require one approval, and makes a client key there', async () => {
    await owner.goto(`${envUrl('production')}/environments`);
    await owner.getByRole('switch', { name: /^Require approval for changes in production/ }).click();
    await owner.getByRole('button', { name: 'Save approvals' }).click();
    await owner.getByTestId('approval-summary').getByText('Requires 1 approval from editors or stronger', { exact: false }).waitFor();
    const prod = (await apiAs(owner, 'GET', `/api/v1/projects/${projectId}/environments`)).body.find((e) => e.id === prodId);
    expectEqual(prod.approval, { approvals: 1, minRole: 'editor', ownerBypass: false }, 'the production policy');
    await shot(owner, dir, 'governance-approval-setting');
    await owner.getByRole('button', { name: 'New client key' }).click();
    clientKey = (await owner.getByTestId('secret').innerText()).trim();
  });

  await t.step('a direct change to production is refused: approval required', async () => {
    const r = await apiAs(editor, 'PUT', statePath(prodId), { enabled: true, defaultVariant: 'on', targeting: null, version: 0 });
    expectEqual([r.status, r.body?.error?.code, r.body?.error?.details?.environments], [403, 'approval_required', ['production']], 'the answer to a direct PUT');
  });

  await t.step('the editor proposes turning the flag on in production', async () => {
    t.setPage(editor);
    await editor.goto(flagUrl('production'));
    await editor.getByTestId('approval-badge').getByText('Requires 1 approval').waitFor();
    if (await editor.getByRole('button', { name: 'Save production' }).count()) throw new Error('production should offer a proposal, not a save');
    await editor.getByLabel('Enabled in production').check();
    await editor.getByRole('button', { name: 'Propose change…' }).click();
    const dialog = editor.getByRole('dialog');
    expectEqual(await dialog.getByLabel('Title').inputValue(), TITLE, 'the prefilled title');
    await dialog.getByLabel('Description').fill('The one-click flow passed its staging run.');
    await shot(editor, dir, 'governance-propose');
    await dialog.getByRole('button', { name: 'Open change request' }).click();
    await dialog.getByTestId('request-opened').waitFor();
    await dialog.getByRole('link', { name: 'Open the change request' }).click();
    await editor.waitForURL(/\/envs\/production\/requests\/[^/]+$/);
    requestUrl = editor.url();
    await editor.getByTestId('request-status').getByText('open', { exact: true }).waitFor();
    await editor.getByTestId('approvals-count').getByText('0/1').waitFor();
    await editor.getByTestId('review-block').getByText('You proposed it: someone else must review it.').waitFor();
    if (await editor.getByRole('button', { name: 'Approve' }).count()) throw new Error('the author should not be offered Approve');
    const state = (await apiAs(editor, 'GET', statePath(prodId))).body;
    expectEqual([state.enabled, state.version], [false, 0], 'production before any approval');
    await shot(editor, dir, 'governance-request-open');
  });

  await t.step('the owner sees it in the inbox, counted in the navigation', async () => {
    t.setPage(owner);
    await owner.goto(`${envUrl('production')}/flags`);
    await owner.getByTestId('requests-badge').getByText('1', { exact: true }).waitFor({ timeout: 15_000 });
    await owner.getByRole('link', { name: /^Change requests/ }).click();
    const row = owner.getByTestId('request-row').filter({ hasText: TITLE });
    await row.getByText('Eddie Editor').waitFor();
    await row.getByText('production', { exact: true }).waitFor();
    await row.getByTestId('request-approvals').getByText('0/1').waitFor();
    await shot(owner, dir, 'governance-inbox');
    await row.getByRole('link', { name: TITLE }).click();
    await owner.waitForURL(/\/requests\/[^/]+$/);
  });

  await t.step('the owner approves it in the dashboard', async () => {
    await owner.getByTestId('request-change').getByText('/enabled').waitFor();
    await owner.getByLabel('Comment (optional)').fill('Go ahead.');
    await owner.getByRole('button', { name: 'Approve' }).click();
    await owner.getByTestId('request-status').getByText('approved', { exact: true }).waitFor();
    await owner.getByTestId('approvals-count').getByText('1/1').waitFor();
    await owner.getByTestId('reviews').getByText('Approved by Olga Owner (owner)').waitFor();
    await shot(owner, dir, 'governance-approved');
  });

  await t.step('the editor applies it, and the SDK demo page sees the flag turn on', async () => {
    if (!demo || !existsSync(path.join(examplesDir, 'index.html'))) throw new Error(`the SDK demo page ${path.join(examplesDir, 'index.html')} is missing`);
    if (!existsSync(sdkBundle)) throw new Error(`the SDK bundle ${sdkBundle} is missing (cd sdk-js && npm ci && npm run build)`);
    const demoPage = await context.newPage();
    const q = new URLSearchParams({ baseUrl: base, clientKey, flag: FLAG, targetingKey: 'shopper-1' });
    await demoPage.goto(`${demo.url}/index.html?${q}`);
    await demoPage.waitForFunction(() => (document.querySelector('#reason')?.textContent ?? '–') !== '–', null, { timeout: 15_000 });
    const before = (await demoPage.locator('#value').innerText()).trim();
    if (before === 'true') throw new Error('the flag should be off in production before the request applies');
    t.setPage(editor);
    await editor.bringToFront();
    await editor.goto(requestUrl);
    await editor.getByRole('button', { name: 'Apply now' }).click();
    await editor.getByTestId('request-applied').waitFor();
    await editor.getByTestId('request-status').getByText('applied', { exact: true }).waitFor();
    await demoPage.waitForFunction(() => (document.querySelector('#value')?.textContent ?? '').trim() === 'true', null, { timeout: 20_000 });
    console.log(`    demo page: ${before} → true`);
    await shot(demoPage, dir, 'governance-sdk-demo');
    await shot(editor, dir, 'governance-applied');
    await demoPage.close();
    const state = (await apiAs(editor, 'GET', statePath(prodId))).body;
    expectEqual([state.enabled, state.version], [true, 1], 'production after the request applied');
  });

  await t.step("the flag's history says the change came via the request and who approved it", async () => {
    t.setPage(owner);
    await owner.goto(`${flagUrl('production')}?tab=history`);
    const entry = owner.getByTestId('audit-entry').filter({ hasText: 'turned on' }).filter({ hasText: 'via change request' }).first();
    await entry.getByRole('button').first().click();
    const line = entry.getByTestId('audit-request');
    await line.getByText(`Via change request ${TITLE} (approved by Olga Owner)`, { exact: false }).waitFor();
    await shot(owner, dir, 'governance-history');
    await line.getByRole('link', { name: TITLE }).click();
    await owner.waitForURL(/\/requests\/[^/]+$/);
    await owner.getByTestId('request-applied').waitFor();
  });

  await t.step('a change scheduled in development shows on the schedules view and its calendar', async () => {
    t.setPage(editor);
    const at = dayjs().add(1, 'day').hour(10).minute(0).second(0).millisecond(0);
    await editor.goto(flagUrl('development'));
    await editor.getByLabel('Enabled in development').check();
    await editor.getByRole('button', { name: 'Schedule…' }).click();
    const dialog = editor.getByRole('dialog');
    await pickDateTime(editor, 'Apply at', at.valueOf());
    await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
    await dialog.getByTestId('request-opened').getByText('applies by itself at', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await editor.goto(`${envUrl('development')}/schedules`);
    const item = editor.getByTestId('scheduled-request').filter({ hasText: `Turn on ${FLAG} in development` });
    await item.getByText('10:00').waitFor();
    await item.getByText('will apply').waitFor();
    if (at.month() !== dayjs().month()) await editor.locator('[data-direction="next"]').click();
    await editor.getByTestId(`calendar-day-${at.format('YYYY-MM-DD')}`).waitFor();
    await shot(editor, dir, 'governance-schedules');
    const state = (await apiAs(editor, 'GET', statePath((await apiAs(editor, 'GET', `/api/v1/projects/${projectId}/environments`)).body.find((e) => e.key === 'development').id))).body;
    expectEqual(state.enabled, false, 'development before its time');
  });
}
