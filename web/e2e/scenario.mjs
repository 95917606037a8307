// The end-to-end story: an owner sets up a project and a flag with a rule and a split, turns it on
// and sees it arrive on the SDK demo page; concurrent edits are refused; a viewer cannot edit; a
// webhook endpoint receives each change, signed with the secret shown once.
import { Webhook } from 'standardwebhooks';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PASSWORD, signUp } from './lib/accounts.mjs';
import { checkA11y } from './lib/a11y.mjs';
import { atEveryWidth, checkNoOverflow, expectOnScreen, setWidth } from './lib/screens.mjs';
import { apiAs, choose, expectEqual, shot, waitCount } from './lib/ui.mjs';

const FLAG = 'new-checkout';

/**
 * Checks a delivery with the official Standard Webhooks verifier (npm `standardwebhooks`): the
 * signature over `id.timestamp.body` with the secret shown at creation, and a timestamp near now.
 */
function verifySignature(secret, { headers, body }) {
  new Webhook(secret).verify(body, {
    'webhook-id': headers['webhook-id'],
    'webhook-timestamp': headers['webhook-timestamp'],
    'webhook-signature': headers['webhook-signature'],
  });
}

/** The first request the receiver got, from index `from` on, whose JSON body has this `type`. */
async function received(receiver, type, from = 0, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const hit = receiver.requests.slice(from).find((r) => {
      try {
        return JSON.parse(r.body).type === type;
      } catch {
        return false;
      }
    });
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${type} webhook arrived in ${timeoutMs / 1000} s (got ${receiver.requests.map((r) => r.body.slice(0, 60)).join(' | ') || 'nothing'})`);
}

export async function scenario({ t, context, server, demo, receiver, examplesDir, sdkBundle, screenshotsDir: dir }) {
  const base = server.url;
  const page = context.pages()[0] ?? (await context.newPage());
  t.setPage(page);
  const owner = { name: 'Ada Owner', email: 'ada@example.com', org: 'Acme' };
  let flagsUrl = '';
  let flagUrl = '';
  let projectId = '';
  let envId = '';
  let orgId = '';
  let clientKey = '';
  let invitation = '';
  let webhookSecret = '';
  let webhookUrl = '';

  await t.step('sign-up form checks its fields before sending', async () => {
    await page.goto(`${base}/signup`);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Enter your name').waitFor();
    await page.getByText('Use at least 10 characters').waitFor();
    await atEveryWidth(page, dir, 'signup', { ready: () => page.getByText('Use at least 10 characters').waitFor() });
  });

  await t.step('sign up as the owner of a new organization', async () => {
    await signUp(page, base, owner);
    await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
    orgId = page.url().split('/orgs/')[1].split('/')[0];
  });

  await t.step('create a project (its environments come with it)', async () => {
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill('Storefront');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/envs\/development\/flags$/);
    flagsUrl = page.url();
    projectId = flagsUrl.split('/projects/')[1].split('/')[0];
    await page.getByRole('combobox', { name: 'Environment' }).waitFor();
  });

  await t.step('create a boolean flag', async () => {
    await page.getByRole('button', { name: 'New flag' }).click();
    await page.getByLabel(/^Key/).fill(FLAG);
    await page.getByLabel('Name', { exact: true }).fill('New checkout');
    await page.getByRole('button', { name: 'Create flag' }).click();
    await page.waitForURL(new RegExp(`/flags/${FLAG}$`));
    flagUrl = page.url();
    await page.getByText('Targeting in development').waitFor();
  });

  await t.step('build a rule and a percentage split that always sums to 100%', async () => {
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('combobox', { name: 'Rule 1 condition 1: attribute' }).fill('targetingKey');
    await page.keyboard.press('Escape');
    await choose(page, page, 'Rule 1 condition 1: operator', 'starts with');
    await page.getByLabel('Rule 1 condition 1: value').fill('vip-');
    const everyone = page.getByRole('region', { name: 'Everyone else' });
    await everyone.getByLabel('Serve something other than the default variant').check();
    await everyone.getByText('Percentage split').click();
    await everyone.getByLabel('Everyone else: on percent', { exact: true }).fill('30');
    await everyone.getByLabel('Everyone else: on percent', { exact: true }).blur();
    expectEqual(await everyone.getByLabel('Everyone else: off percent', { exact: true }).inputValue(), '70%', 'the other bucket');
    // Keyboard: the slider moves by one, and the other side follows.
    await everyone.getByRole('slider', { name: 'Everyone else: on percentage' }).focus();
    await page.keyboard.press('ArrowRight');
    expectEqual(await everyone.getByLabel('Everyone else: off percent', { exact: true }).inputValue(), '69%', 'after ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await everyone.getByText('Total: 100%').waitFor();
    await page.getByRole('button', { name: 'Save development' }).click();
    await page.getByTestId('state-version').getByText('version 1').waitFor();
    envId = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments`)).body.find((e) => e.key === 'development').id;
    const state = await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${envId}/flags/${FLAG}`);
    expectEqual(
      state.body.targeting,
      {
        if: [
          { starts_with: [{ var: 'targetingKey' }, 'vip-'] },
          'on',
          { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 30], ['off', 70]] },
        ],
      },
      'saved targeting',
    );
    await shot(page, dir, 'flag-targeting');
  });

  await t.step("show the engine's validation errors in place (raw JSON Logic)", async () => {
    await page.getByRole('tab', { name: 'JSON Logic' }).click();
    await page.getByLabel('Targeting (flagd JSON Logic)').fill('{"if": [{"sem_ver": [{"var": "v"}, "~~", "1.0.0"]}, "on"]}');
    await page.getByRole('button', { name: 'Save development' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The engine found problems' });
    await alert.waitFor();
    await alert.getByText('/targeting/if/0/sem_ver/1').waitFor();
    await shot(page, dir, 'flag-validation-error');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByRole('tab', { name: 'Rule builder' }).click();
    await page.getByRole('region', { name: 'Rule 1' }).waitFor();
  });

  await t.step('create a client key for development (shown once, with snippets)', async () => {
    await page.getByRole('link', { name: 'Environments & SDK keys' }).click();
    await page.getByRole('button', { name: 'New client key' }).click();
    clientKey = (await page.getByTestId('secret').innerText()).trim();
    if (!clientKey.startsWith('sy_client')) throw new Error(`unexpected key ${clientKey}`);
    await page.getByTestId('snippet-script').getByText(`clientKey: '${clientKey}'`).waitFor();
    await shot(page, dir, 'environments-keys');
  });

  await t.step('turn the flag on from the list', async () => {
    await page.goto(flagsUrl);
    const sw = page.getByRole('switch', { name: `${FLAG} in development` });
    if (await sw.isChecked()) throw new Error('the flag should start off');
    await sw.click();
    await page.waitForFunction((name) => document.querySelector(`[aria-label="${name}"]`)?.checked === true, `${FLAG} in development`);
    const state = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${envId}/flags/${FLAG}`)).body;
    expectEqual([state.enabled, state.version], [true, 2], 'the state after the switch');
  });

  await t.step('evaluation playground: value, variant, reason and the matching rule', async () => {
    await page.goto(`${flagUrl}?tab=playground`);
    await page.getByLabel('Evaluation context').fill('{"targetingKey": "vip-ada"}');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByTestId('playground-reason').getByText('TARGETING_MATCH').waitFor();
    await page.getByTestId('playground-matched').getByText('Rule 1').waitFor();
    await page.getByLabel('Evaluation context').fill('{"targetingKey": "user-7"}');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByTestId('playground-reason').getByText('SPLIT').waitFor();
    await shot(page, dir, 'flag-playground');
  });

  await t.step("another admin's change shows live; a stale edit is refused with the current version", async () => {
    await page.goto(flagUrl);
    const other = await context.newPage();
    await other.goto(flagUrl);
    // 1. Untouched: the other tab's save appears here without a reload.
    const version = async (p) => Number((await p.getByTestId('state-version').innerText()).match(/\d+/)[0]);
    const v0 = await version(other);
    await other.getByLabel('Enabled in development').uncheck();
    await other.getByRole('button', { name: 'Save development' }).click();
    await other.getByTestId('state-version').getByText(`version ${v0 + 1}`).waitFor();
    await page.bringToFront();
    await page.waitForFunction(() => document.querySelector('[aria-label="Enabled in development"]')?.checked === false, null, { timeout: 10_000 });
    // 2. Touched: a save based on an old version is refused, never silently applied.
    await choose(page, page, 'Default variant', 'off');
    await other.bringToFront();
    await other.getByLabel('Enabled in development').check();
    await other.getByRole('button', { name: 'Save development' }).click();
    await other.getByTestId('state-version').getByText(`version ${v0 + 2}`).waitFor();
    await page.bringToFront();
    await page.getByTestId('stale-warning').waitFor({ timeout: 10_000 });
    const current = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${envId}/flags/${FLAG}`)).body;
    await page.getByRole('button', { name: 'Save development' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Changed by someone else' }).last();
    await alert.getByText(`The current version is ${current.version}.`).waitFor();
    await shot(page, dir, 'flag-conflict');
    const after = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${envId}/flags/${FLAG}`)).body;
    expectEqual([after.version, after.defaultVariant], [current.version, 'on'], 'the state after a refused save');
    await page.getByRole('button', { name: /Load the current version/ }).click();
    await page.getByTestId('state-version').getByText(`version ${current.version}`).waitFor();
    await other.close();
  });

  await t.step('history shows each change with its diff', async () => {
    await page.goto(`${flagUrl}?tab=history`);
    await page.getByTestId('audit-entry').nth(3).waitFor();
    await page.getByTestId('audit-entry').first().getByRole('button').first().click();
    await page.getByTestId('diff').first().waitFor();
    await shot(page, dir, 'flag-history');
  });

  await t.step('copy the configuration to production, and restore an earlier version from history', async () => {
    const path = (env) => `/api/v1/projects/${projectId}/environments/${env}/flags/${FLAG}`;
    const envs = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments`)).body;
    const prodId = envs.find((e) => e.key === 'production').id;
    await page.goto(flagUrl);
    await choose(page, page, 'Copy the saved development configuration to', 'production');
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied new-checkout from development to production').waitFor();
    const [dev, prod] = [(await apiAs(page, 'GET', path(envId))).body, (await apiAs(page, 'GET', path(prodId))).body];
    expectEqual([prod.enabled, prod.defaultVariant, prod.targeting], [dev.enabled, dev.defaultVariant, dev.targeting], 'production after the copy');
    // The first saved state (version 1: off, with the rule and the split) comes back as a new version.
    // History is newest first, a page at a time: load every older page, so the oldest is last.
    await page.goto(`${flagUrl}?tab=history`);
    await page.getByTestId('audit-entry').first().waitFor();
    const older = page.getByRole('button', { name: 'Load older changes' });
    for (let i = 0; i < 20 && (await older.isVisible()); i++) {
      const n = await page.getByTestId('audit-entry').count();
      await older.click();
      // Done when the page arrived (more entries) or there is nothing older (the button goes).
      await page.waitForFunction(
        (before) =>
          document.querySelectorAll('[data-testid="audit-entry"]').length > before ||
          ![...document.querySelectorAll('button')].some((x) => x.textContent?.includes('Load older changes')),
        n,
        { timeout: 10_000 },
      );
    }
    const first = page.getByTestId('audit-entry').filter({ hasText: 'flag_state.update' }).last();
    await first.getByRole('button').first().click();
    // Once, and pressed for 100 ms as a person does: while history panels animated open, a click
    // in one that was still growing slid off its button between press and release (see theme.ts).
    await first.getByRole('button', { name: 'Restore this version in development' }).click({ delay: 100 });
    const confirm = page.getByRole('dialog').getByRole('button', { name: 'Restore', exact: true });
    await confirm.click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-entry"]').length > 0);
    const restored = await (async () => {
      for (let i = 0; i < 50; i++) {
        const s = (await apiAs(page, 'GET', path(envId))).body;
        if (s.version > dev.version) return s;
        await page.waitForTimeout(100);
      }
      throw new Error('the restore did not happen');
    })();
    expectEqual([restored.enabled, restored.version], [false, dev.version + 1], 'the restored state');
    // The history says it as a sentence (the action code is only a detail inside the entry).
    await page.getByTestId('audit-sentence').filter({ hasText: `restored an earlier version of ${FLAG} in development` }).first().waitFor();
  });

  await t.step('create a segment', async () => {
    await page.goto(flagsUrl.replace(/flags$/, 'segments'));
    await page.getByRole('button', { name: 'New segment' }).click();
    await page.getByLabel('Key', { exact: true }).fill('beta-testers');
    await page.getByLabel('Name', { exact: true }).fill('Beta testers');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('cell', { name: /Beta testers/ }).waitFor();
    await shot(page, dir, 'segments');
  });

  await t.step('the flags list filters by search, tag and status, and does not mark a flag just switched on for everyone stale', async () => {
    const create = (body) => apiAs(page, 'POST', `/api/v1/projects/${projectId}/flags`, body);
    await create({ key: 'banner-text', type: 'string', tags: ['marketing'], variants: [{ name: 'short', value: 'Sale!' }, { name: 'long', value: 'Everything half price' }] });
    await create({ key: 'checkout-config', type: 'object', tags: ['checkout', 'payments'], variants: [{ name: 'v1', value: { steps: 3 } }, { name: 'v2', value: { steps: 2, express: true } }] });
    // Enabled with no targeting: everyone gets one variant, but it was switched on a moment ago (being rolled out, not forgotten).
    const r = await apiAs(page, 'PUT', `/api/v1/projects/${projectId}/environments/${envId}/flags/checkout-config`, { enabled: true, defaultVariant: 'v2', targeting: null, version: 0 });
    expectEqual(r.status, 200, 'enabling checkout-config');
    await page.goto(flagsUrl);
    await page.getByTestId('flag-row-checkout-config').getByTestId('last-change').waitFor();
    if (await page.getByTestId('flag-row-checkout-config').getByTestId('stale-badge').count()) throw new Error('a flag just switched on should not be stale');
    await page.getByTestId('flag-row-banner-text').getByText('3 variants').or(page.getByTestId('flag-row-banner-text').getByText('2 variants')).waitFor();
    await shot(page, dir, 'flags-list');
    await page.getByLabel('Search').fill('banner');
    await page.getByTestId('flag-row-banner-text').waitFor();
    await waitCount(page.locator('[data-testid^="flag-row-"]'), 1, 'rows matching "banner"');
    await page.getByLabel('Search').fill('');
    await waitCount(page.locator('[data-testid^="flag-row-"]'), 3, 'rows without a search');
    await choose(page, page, 'Status', 'Stale');
    await page.getByText('No flag matches these filters.').waitFor();
    await choose(page, page, 'Status', 'All');
    await page.getByRole('textbox', { name: 'Tags' }).or(page.getByRole('combobox', { name: 'Tags' })).first().click();
    await page.getByRole('option', { name: 'payments' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('flag-row-checkout-config').waitFor();
    await waitCount(page.locator('[data-testid^="flag-row-"]'), 1, 'rows tagged payments');
    if (!new URL(page.url()).searchParams.getAll('tag').includes('payments')) throw new Error('the filters should live in the URL');
  });

  await t.step('an admin adds a standard webhook; its signing secret is shown once', async () => {
    await page.goto(flagsUrl);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL(/\/orgs\/[^/]+\/webhooks$/);
    await page.getByTestId('no-webhooks').waitFor();
    await page.getByRole('button', { name: 'New endpoint' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^URL/).fill(`${receiver.url}/hooks/switchyard`);
    await dialog.getByLabel('Description').fill('e2e receiver');
    await dialog.getByRole('button', { name: 'Create endpoint' }).click();
    webhookSecret = (await dialog.getByTestId('secret').innerText()).trim();
    if (!/^whsec_[A-Za-z0-9+/=]{20,}$/.test(webhookSecret)) throw new Error(`unexpected secret ${webhookSecret}`);
    await dialog.getByTestId('secret-note').getByText('You will not see it again', { exact: false }).waitFor();
    await shot(page, dir, 'webhook-secret');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Once closed, the secret is nowhere: not on the page, not from the API.
    if (await page.getByText(webhookSecret).count()) throw new Error('the secret is still on the page');
    const row = page.locator('[data-testid^="webhook-row-"]');
    await waitCount(row, 1, 'webhook rows');
    await row.getByText('Enabled').waitFor();
    await row.getByText('Every change').waitFor();
    const listed = (await apiAs(page, 'GET', `/api/v1/orgs/${orgId}/webhooks`)).body.items;
    if (JSON.stringify(listed).includes(webhookSecret.slice(6))) throw new Error('the API lists the secret');
    webhookUrl = `${base}/orgs/${orgId}/webhooks/${listed[0].id}`;
    await shot(page, dir, 'webhooks');
  });

  await t.step('a flag change is delivered, signed, and shows in the delivery log as delivered', async () => {
    const before = receiver.requests.length;
    await page.goto(flagsUrl);
    const sw = page.getByRole('switch', { name: 'banner-text in development' });
    if (await sw.isChecked()) throw new Error('banner-text should start off');
    await sw.click();
    await page.waitForFunction((name) => document.querySelector(`[aria-label="${name}"]`)?.checked === true, 'banner-text in development');
    const hit = await received(receiver, 'state.changed', before);
    expectEqual([hit.method, hit.path, hit.headers['content-type']?.split(';')[0]], ['POST', '/hooks/switchyard', 'application/json'], 'the webhook request');
    verifySignature(webhookSecret, hit);
    const event = JSON.parse(hit.body);
    if (!event.data?.change?.keys?.includes('banner-text')) throw new Error(`the event is not about banner-text: ${hit.body.slice(0, 300)}`);
    await page.goto(webhookUrl);
    const row = page.getByTestId('delivery-row').filter({ hasText: 'state.changed' }).first();
    await row.getByText('delivered', { exact: true }).waitFor({ timeout: 20_000 });
    await row.getByText('200', { exact: true }).waitFor();
    await row.getByRole('button', { name: /^Details of state\.changed/ }).click();
    await page.getByTestId('delivery-body').getByText('"banner-text"', { exact: false }).first().waitFor();
    await shot(page, dir, 'webhook-deliveries');
  });

  await t.step('"Send test event" shows a second delivery', async () => {
    const rows = page.getByTestId('delivery-row');
    const n = await rows.count();
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await waitCount(rows, n + 1, 'deliveries after the test event', 15_000);
    const test = rows.filter({ hasText: 'webhook.test' }).first();
    await test.getByText('delivered', { exact: true }).waitFor({ timeout: 20_000 });
    verifySignature(webhookSecret, await received(receiver, 'webhook.test', before));
    await shot(page, dir, 'webhook-test-event');
  });

  await t.step('analytics for one flag', async () => {
    await page.goto(flagsUrl.replace(/flags$/, 'analytics'));
    await page.getByText('All flags in development').waitFor();
    await choose(page, page, 'One flag', `New checkout (${FLAG})`);
    await page.getByText(`${FLAG} per variant`).waitFor();
    await shot(page, dir, 'analytics');
  });

  await t.step('every page at 390, 768 and 1280 px: nothing scrolls sideways, axe finds nothing serious', async () => {
    const envUrl = flagsUrl.replace(/\/flags$/, '');
    const h1 = (name) => () => page.getByRole('heading', { level: 1, name }).waitFor();
    const pages = [
      ['projects', `${base}/orgs/${orgId}/projects`, () => page.getByText('Storefront').first().waitFor()],
      ['flags-list', flagsUrl, () => page.getByTestId(`flag-row-${FLAG}`).waitFor()],
      ['flag-targeting', flagUrl, () => page.getByRole('region', { name: 'Rule 1' }).waitFor()],
      ['flag-ramp', `${flagUrl}?tab=ramp`, h1('New checkout')],
      ['flag-variants', `${flagUrl}?tab=variants`, h1('New checkout')],
      ['flag-playground', `${flagUrl}?tab=playground`, () => page.getByLabel('Evaluation context').waitFor()],
      ['flag-history', `${flagUrl}?tab=history`, () => page.getByTestId('audit-entry').first().waitFor()],
      ['flag-analytics', `${flagUrl}?tab=analytics`, h1('New checkout')],
      ['flag-settings', `${flagUrl}?tab=settings`, h1('New checkout')],
      ['segments', `${envUrl}/segments`, () => page.getByRole('cell', { name: /Beta testers/ }).waitFor()],
      ['environments', `${envUrl}/environments`, () => page.getByRole('button', { name: 'New client key' }).waitFor()],
      ['analytics', `${envUrl}/analytics`, () => page.getByText('All flags in development').waitFor()],
      ['change-requests', `${envUrl}/requests`, h1('Change requests')],
      ['schedules', `${envUrl}/schedules`, h1('Schedules')],
      ['members', `${base}/orgs/${orgId}/members`, () => page.getByText(owner.email).first().waitFor()],
      ['tokens', `${base}/orgs/${orgId}/tokens`, h1('API tokens')],
      ['webhooks', `${base}/orgs/${orgId}/webhooks`, () => page.locator('[data-testid^="webhook-row-"]').first().waitFor()],
      ['webhook-deliveries', webhookUrl, () => page.getByTestId('delivery-row').first().waitFor()],
      ['audit-log', `${base}/orgs/${orgId}/audit`, () => page.getByTestId('audit-entry').first().waitFor()],
    ];
    for (const [name, url, ready] of pages) {
      await page.goto(url);
      await atEveryWidth(page, dir, name, { ready });
    }
  });

  await t.step('at 390 px the environment picker and the account menu are on screen and work', async () => {
    await setWidth(page, 390);
    await page.goto(flagsUrl);
    await page.getByTestId(`flag-row-${FLAG}`).waitFor();
    // The account menu, in the header.
    await expectOnScreen(page, page.getByRole('button', { name: 'Account menu' }), 'the account menu');
    await page.getByRole('button', { name: 'Account menu' }).click();
    await expectOnScreen(page, page.getByRole('menuitem', { name: 'Sign out' }), 'Sign out');
    await page.keyboard.press('Escape');
    // The pickers, in the navigation drawer the burger opens.
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    const envPicker = page.getByRole('combobox', { name: 'Environment' });
    await expectOnScreen(page, envPicker, 'the environment picker');
    await checkA11y(page, 'navigation drawer at 390px');
    await shot(page, dir, 'navigation-drawer-390');
    await envPicker.click();
    await page.getByRole('option', { name: 'production' }).click();
    await page.waitForURL(/\/envs\/production\/flags$/);
    await page.getByRole('switch', { name: `${FLAG} in production` }).waitFor({ state: 'attached' });
    // Picking closed the drawer; the page it opened is what shows.
    await page.getByRole('combobox', { name: 'Environment' }).waitFor({ state: 'hidden' });
    await checkNoOverflow(page, 'flags list in production at 390px');
    // And at 768 px the burger still opens the navigation.
    await setWidth(page, 768);
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByRole('link', { name: 'Members' }).click();
    await page.waitForURL(/\/members$/);
    await setWidth(page, 1280);
  });

  await t.step('invite a second user as a viewer', async () => {
    await page.goto(`${base}/orgs/${orgId}/members`);
    await page.getByLabel('Email', { exact: true }).fill('vera@example.com');
    await choose(page, page, 'Role', 'viewer');
    await page.getByRole('button', { name: 'Invite' }).click();
    invitation = (await page.getByTestId('invitation-token').innerText()).trim();
    await shot(page, dir, 'members');
  });

  await t.step('sign out', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    await atEveryWidth(page, dir, 'signin', { ready: () => page.getByRole('button', { name: 'Sign in' }).waitFor() });
    await page.goto(flagsUrl);
    await page.waitForURL(/\/signin\?next=/);
  });

  await t.step('the viewer signs up and accepts the invitation', async () => {
    await signUp(page, base, { name: 'Vera Viewer', email: 'vera@example.com', org: 'Vera Co' });
    await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
    await page.goto(`${base}/invitations/accept?token=${encodeURIComponent(invitation)}`);
    await page.getByRole('button', { name: 'Accept invitation' }).waitFor();
    await atEveryWidth(page, dir, 'accept-invitation', { ready: () => page.getByRole('button', { name: 'Accept invitation' }).waitFor() });
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.waitForURL(new RegExp(`/orgs/${orgId}`));
  });

  await t.step('a viewer sees disabled controls, and the API refuses their edits', async () => {
    await page.goto(flagsUrl);
    const sw = page.getByRole('switch', { name: `${FLAG} in development` });
    await sw.waitFor();
    if (!(await sw.isDisabled())) throw new Error('the switch should be disabled for a viewer');
    if (!(await page.getByRole('button', { name: 'New flag' }).isDisabled())) throw new Error('New flag should be disabled');
    await shot(page, dir, 'viewer-flags-list');
    await page.goto(flagUrl);
    await page.getByTestId('read-only').waitFor();
    if (!(await page.getByLabel('Enabled in development').isDisabled())) throw new Error('the enabled switch should be disabled');
    if (await page.getByRole('button', { name: 'Save development' }).count()) throw new Error('a viewer should have no save button');
    const cur = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${envId}/flags/${FLAG}`)).body;
    const r = await apiAs(page, 'PUT', `/api/v1/projects/${projectId}/environments/${envId}/flags/${FLAG}`, {
      enabled: !cur.enabled,
      defaultVariant: cur.defaultVariant,
      targeting: cur.targeting,
      version: cur.version,
    });
    expectEqual(r.status, 403, 'the API answer to a viewer edit');
    await shot(page, dir, 'viewer-flag-page');
  });

  await t.step('sign in again as the owner', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your email address').waitFor();
    await page.getByLabel(/^Email/).fill(owner.email);
    await page.getByLabel(/^Password/).first().fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('The email or the password is wrong').waitFor();
    await page.getByLabel(/^Password/).first().fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
    await page.getByTestId('my-role').getByText('owner').waitFor();
  });

  // Last: it needs the SDK bundle and its demo page (sdk-js), built by another part of the project.
  await t.step('turn the flag on from the list and see it arrive on the SDK demo page', async () => {
    if (!demo || !existsSync(path.join(examplesDir, 'index.html'))) throw new Error(`the SDK demo page ${path.join(examplesDir, 'index.html')} is missing`);
    if (!existsSync(sdkBundle)) throw new Error(`the SDK bundle ${sdkBundle} is missing (cd sdk-js && npm ci && npm run build)`);
    const demoPage = await context.newPage();
    const q = new URLSearchParams({ baseUrl: base, clientKey, flag: FLAG, targetingKey: 'vip-demo' });
    await demoPage.goto(`${demo.url}/index.html?${q}`);
    const value = demoPage.locator('#value');
    await demoPage.waitForFunction(() => (document.querySelector('#value')?.textContent ?? '').trim() !== '', null, { timeout: 15_000 });
    const before = (await value.innerText()).trim();
    await page.bringToFront();
    await page.goto(flagsUrl);
    const sw = page.getByRole('switch', { name: `${FLAG} in development` });
    if (await sw.isChecked()) throw new Error('the flag should be off here (restored to version 1)');
    await sw.click();
    await page.waitForFunction((name) => document.querySelector(`[aria-label="${name}"]`)?.checked === true, `${FLAG} in development`);
    await demoPage.waitForFunction(() => (document.querySelector('#value')?.textContent ?? '').trim() === 'true', null, { timeout: 20_000 });
    await shot(demoPage, dir, 'sdk-demo-live', { checks: false });
    console.log(`    demo page: ${before} → true`);
    await sw.click();
    await demoPage.waitForFunction(() => (document.querySelector('#value')?.textContent ?? '').trim() !== 'true', null, { timeout: 20_000 });
    await sw.click();
    await page.waitForFunction((name) => document.querySelector(`[aria-label="${name}"]`)?.checked === true, `${FLAG} in development`);
    await demoPage.close();
  });
}
