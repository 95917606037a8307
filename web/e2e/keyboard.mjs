// The keyboard story: the main flows with the keyboard alone (Tab, Shift+Tab, Enter, Space and the
// arrow keys through page.keyboard; no click anywhere), the focus visible wherever it lands. A
// person whose account exists (made through the API) signs in, skips to the content, creates a
// project and a flag, turns the flag on in development and saves, then opens production with the
// environment picker's arrow keys.
import { PASSWORD } from './lib/accounts.mjs';
import { checkA11y } from './lib/a11y.mjs';
import { expectVisibleFocus, focused, tabTo } from './lib/keyboard.mjs';
import { apiAs, expectEqual, shot } from './lib/ui.mjs';

const FLAG = 'keyboard-flag';

export async function keyboard({ t, context, server, screenshotsDir: dir }) {
  const base = server.url;
  const page = context.pages()[0] ?? (await context.newPage());
  t.setPage(page);
  const who = { name: 'Kai Keys', email: 'kai@example.com', organization: 'Keyboard Co' };
  const type = (text) => page.keyboard.type(text, { delay: 5 });
  let projectId = '';

  await t.step('an account exists (made through the API)', async () => {
    const r = await fetch(`${base}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...who, password: PASSWORD }),
    });
    if (!r.ok) throw new Error(`sign-up answered ${r.status}: ${await r.text()}`);
  });

  await t.step('sign in with the keyboard', async () => {
    await page.goto(`${base}/signin`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await tabTo(page, page.getByLabel(/^Email/), 'the email field');
    await type(who.email);
    await tabTo(page, page.getByLabel(/^Password/).first(), 'the password field');
    await type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
    await checkA11y(page, 'projects (keyboard)');
  });

  await t.step('skip to the content, then create a project with the keyboard', async () => {
    // The first Tab on a signed-in page offers to skip the header and the navigation.
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await tabTo(page, skip, 'Skip to content', { max: 1 });
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('button', { name: 'New project' }), 'New project', { max: 5 });
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.waitFor();
    // The dialog puts the focus in its first field.
    await page.waitForFunction(() => document.activeElement?.closest('[role="dialog"]') && document.activeElement.tagName === 'INPUT');
    await expectVisibleFocus(page, 'the project name field');
    await type('Keyboard shop');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/envs\/development\/flags$/);
    projectId = page.url().split('/projects/')[1].split('/')[0];
  });

  await t.step('create a flag with the keyboard', async () => {
    await page.getByRole('button', { name: 'New flag' }).waitFor();
    await tabTo(page, page.getByRole('button', { name: 'New flag' }), 'New flag');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New flag' });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.closest('[role="dialog"]') && document.activeElement.tagName === 'INPUT');
    await expectVisibleFocus(page, 'the key field');
    await type(FLAG);
    await tabTo(page, dialog.getByLabel('Name', { exact: true }), 'the name field', { max: 3 });
    await type('Keyboard flag');
    await checkA11y(page, 'new flag dialog (keyboard)');
    // Tab on to the dialog's own button rather than pressing Enter in a field.
    await tabTo(page, dialog.getByRole('button', { name: 'Create flag' }), 'Create flag', { max: 30 });
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/flags/${FLAG}$`));
    await page.getByText('Targeting in development').waitFor();
  });

  await t.step('turn the flag on in development and save, with the keyboard', async () => {
    const enabled = page.getByRole('switch', { name: 'Enabled in development' });
    await enabled.waitFor();
    await tabTo(page, enabled, 'the enabled switch');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('[aria-label="Enabled in development"]')?.checked === true);
    await tabTo(page, page.getByRole('button', { name: 'Save development' }), 'Save development');
    await page.keyboard.press('Enter');
    await page.getByTestId('state-version').getByText('version 1').waitFor();
    const envs = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments`)).body;
    const dev = envs.find((e) => e.key === 'development');
    const state = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${dev.id}/flags/${FLAG}`)).body;
    expectEqual([state.enabled, state.version], [true, 1], 'the state saved from the keyboard');
    await shot(page, dir, 'keyboard-flag-on');
  });

  await t.step('open production with the environment picker, using the arrow keys', async () => {
    const picker = page.getByRole('combobox', { name: 'Environment' });
    await tabTo(page, picker, 'the environment picker', { back: true, max: 80 });
    await page.keyboard.press('ArrowDown'); // opens the list
    await page.getByRole('option', { name: 'production' }).waitFor();
    let moves = 0;
    while (!(await page.getByRole('option', { name: 'production' }).evaluate((o) => o.hasAttribute('data-combobox-selected')))) {
      if (++moves > 5) throw new Error(`the arrow keys never reached production (focus: ${await focused(page)})`);
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/envs/production/flags/${FLAG}$`));
    await page.getByText('Targeting in production').waitFor();
    await checkA11y(page, 'flag page in production (keyboard)');
  });
}
