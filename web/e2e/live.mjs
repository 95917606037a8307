// The live story: one person, signed in twice (two browsers of their own). The second browser has
// the flags list open; a switch flipped in the first shows there without a reload, through the
// organization's change feed, with a line saying what changed. A switch in production asks
// first and names its blast radius; its Undo shows in the other browser too.
import { PASSWORD, signUp } from './lib/accounts.mjs';
import { shot } from './lib/ui.mjs';

const FLAG = 'live-banner';
const EMAIL = 'lena@example.com';

async function signIn(page, base, email) {
  await page.goto(`${base}/signin`);
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Password/).first().fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

/** The switch of the flag in an environment, checked or not. */
const switchIn = (page, env, checked) => page.locator(`input[aria-label="${FLAG} in ${env}"]${checked ? ':checked' : ':not(:checked)'}`);

export async function live({ t, context, launch, server, screenshotsDir: dir }) {
  const base = server.url;
  const a = context.pages()[0] ?? (await context.newPage());
  t.setPage(a);
  let b = null;
  let flagsUrl = '';

  await t.step('sign up, create a project and a flag, and open the flags list', async () => {
    await signUp(a, base, { name: 'Lena Live', email: EMAIL, org: 'Livewire' });
    await a.waitForURL(/\/orgs\/[^/]+\/projects$/);
    await a.getByRole('button', { name: 'New project' }).click();
    await a.getByLabel('Project name').fill('Storefront');
    await a.getByRole('button', { name: 'Create project' }).click();
    await a.waitForURL(/\/envs\/development\/flags$/);
    flagsUrl = a.url();
    await a.getByRole('button', { name: 'New flag' }).click();
    await a.getByLabel(/^Key/).fill(FLAG);
    await a.getByLabel('Name', { exact: true }).fill('Live banner');
    await a.getByRole('button', { name: 'Create flag' }).click();
    await a.waitForURL(new RegExp(`/flags/${FLAG}$`));
    await a.goto(flagsUrl);
    await switchIn(a, 'development', false).waitFor();
    await a.getByTestId('live-badge').getByText('Live').waitFor();
  });

  await t.step('the same person signs in in a second browser, with the flags list open there', async () => {
    const ctx = await launch('live-second');
    b = ctx.pages()[0] ?? (await ctx.newPage());
    await signIn(b, base, EMAIL);
    await b.goto(flagsUrl);
    await switchIn(b, 'development', false).waitFor();
    await b.getByTestId('live-badge').getByText('Live').waitFor();
    // Set on this page: a reload would drop it.
    await b.evaluate(() => (window.__notReloaded = true));
  });

  await t.step("a switch flipped in the first browser turns in the second without a reload, and says what changed", async () => {
    t.setPage(a);
    await switchIn(a, 'development', false).click();
    await switchIn(a, 'development', true).waitFor();
    t.setPage(b);
    await switchIn(b, 'development', true).waitFor();
    await b.getByTestId('live-changes').getByText(`Lena Live turned on ${FLAG} in development`).waitFor();
    await b.getByTestId(`flag-row-${FLAG}`).getByTestId('last-change').getByText(/^Lena Live · just now/).waitFor();
    if (!(await b.evaluate(() => window.__notReloaded === true))) throw new Error('the second browser reloaded the page');
    // This browser's own switch is not announced back to it.
    if (await a.getByTestId('live-changes').count()) throw new Error("the first browser announced its own change");
    await shot(b, dir, 'live-second-browser');
  });

  await t.step('a switch in production asks first, naming its blast radius; confirmed, it turns in the other browser too', async () => {
    t.setPage(a);
    await a.getByTestId('critical-badge').first().waitFor();
    await switchIn(a, 'production', false).click();
    const dialog = a.getByRole('dialog', { name: `Turn on ${FLAG} in production?` });
    await dialog.getByTestId('blast-radius').getByText(`Turn on ${FLAG} in production: no rules`, { exact: false }).waitFor();
    await shot(a, dir, 'live-production-confirmation');
    if (await switchIn(a, 'production', true).count()) throw new Error('production switched before the confirmation');
    await dialog.getByRole('button', { name: 'Turn on in production' }).click();
    await switchIn(a, 'production', true).waitFor();
    t.setPage(b);
    await switchIn(b, 'production', true).waitFor();
  });

  await t.step('Undo flips production back, in both browsers', async () => {
    t.setPage(a);
    const notice = a.getByTestId('undo-notice').filter({ hasText: `Turned on ${FLAG} in production` });
    await notice.getByRole('button', { name: 'Undo' }).click();
    await switchIn(a, 'production', false).waitFor();
    t.setPage(b);
    await switchIn(b, 'production', false).waitFor();
    if (!(await b.evaluate(() => window.__notReloaded === true))) throw new Error('the second browser reloaded the page');
  });
}
