// The rollouts story: an owner ramps a flag in development (its first step's share shows at once),
// pauses and cancels the ramp; then makes the flag depend on another (a prerequisite, said in
// words), sees the playground name the prerequisite that decided, and has a cycle refused where
// it would close.
import { signUp } from './lib/accounts.mjs';
import { apiAs, choose, expectEqual, shot as fullShot } from './lib/ui.mjs';

const FLAG = 'new-checkout';
const GATE = 'beta';

/** A full-page screenshot from the top (a sticky header would otherwise land mid-page). */
async function shot(page, dir, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await fullShot(page, dir, name);
}

async function createFlag(page, key, name) {
  await page.getByRole('button', { name: 'New flag' }).click();
  await page.getByLabel(/^Key/).fill(key);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create flag' }).click();
  await page.waitForURL(new RegExp(`/flags/${key}$`));
}

/** Adds a prerequisite row on the flag page: another flag and one of its variants. */
async function addPrerequisite(page, n, flag, variant) {
  await page.getByRole('button', { name: 'Add prerequisite' }).click();
  await page.getByRole('combobox', { name: `Prerequisite ${n}: flag`, exact: true }).click();
  await page.getByRole('option', { name: new RegExp(`^${flag} \\(`) }).click();
  await page.locator(`input[aria-label="Prerequisite ${n}: variants"]:visible`).click();
  await page.getByRole('option', { name: variant, exact: true }).click();
  await page.keyboard.press('Escape');
}

export async function rollouts({ t, context, server, screenshotsDir: dir }) {
  const base = server.url;
  const page = context.pages()[0] ?? (await context.newPage());
  t.setPage(page);
  let orgId = '';
  let projectId = '';
  let devId = '';
  const envUrl = () => `${base}/orgs/${orgId}/projects/${projectId}/envs/development`;
  const flagUrl = (key) => `${envUrl()}/flags/${key}`;
  const state = async (key) => (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${devId}/flags/${key}`)).body;

  await t.step('the owner signs up, creates a project and two flags', async () => {
    await signUp(page, base, { name: 'Rita Ramp', email: 'rita@example.com', org: 'Initech' });
    await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
    orgId = page.url().split('/orgs/')[1].split('/')[0];
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill('Web shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/envs\/development\/flags$/);
    projectId = page.url().split('/projects/')[1].split('/')[0];
    devId = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments`)).body.find((e) => e.key === 'development').id;
    await createFlag(page, GATE, 'Beta programme');
    await page.goto(`${envUrl()}/flags`);
    await createFlag(page, FLAG, 'New checkout');
  });

  await t.step('a ramp started in development serves its first step at once', async () => {
    await page.goto(`${flagUrl(FLAG)}?tab=ramp`);
    await page.getByText(`${FLAG} has never ramped in development.`).waitFor();
    await page.getByTestId('ramp-editor-summary').getByText('1 → 5 → 25 → 50 → 100 % of on: 5 h in all').waitFor();
    await page.getByRole('button', { name: 'Start ramp' }).click();
    const progress = page.getByTestId('ramp-progress');
    await progress.getByTestId('ramp-percent').getByText('1 %').waitFor();
    await progress.getByTestId('ramp-status').getByText('active').waitFor();
    await progress.getByTestId('ramp-summary').getByText('Step 1 of 5: 1 % get on. Next: 5 % at', { exact: false }).waitFor();
    const s = await state(FLAG);
    expectEqual([s.enabled, s.targeting], [true, { fractional: [['on', 1], ['off', 99]] }], 'the state at the first step');
    await shot(page, dir, 'flag-ramp');
  });

  await t.step('the targeting tab and the flags list say it is ramping', async () => {
    await page.getByRole('tab', { name: 'Targeting in development' }).click();
    await page.getByTestId('ramp-notice').getByText('Saving a change to this state by hand pauses the ramp', { exact: false }).waitFor();
    await page.goto(`${envUrl()}/flags`);
    await page.getByTestId(`flag-row-${FLAG}`).getByTestId('ramp-badge').getByText('ramping 1 %').waitFor();
    await shot(page, dir, 'flags-ramping');
  });

  await t.step('the ramp is paused, then cancelled, leaving the state as its step left it', async () => {
    await page.goto(`${flagUrl(FLAG)}?tab=ramp`);
    const progress = page.getByTestId('ramp-progress');
    await progress.getByRole('button', { name: 'Pause ramp' }).click();
    await progress.getByTestId('ramp-status').getByText('paused').waitFor();
    await progress.getByTestId('ramp-summary').getByText('Paused at step 1 of 5 (1 % get on).').waitFor();
    const ramp = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${devId}/flags/${FLAG}/ramp`)).body;
    expectEqual([ramp.status, ramp.step], ['paused', 0], 'the ramp after the pause');
    await shot(page, dir, 'flag-ramp-paused');
    await progress.getByRole('button', { name: 'Cancel ramp…' }).click();
    await page.getByRole('dialog').getByText('The state stays as step 1 left it', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Cancel the ramp' }).click();
    await progress.getByTestId('ramp-status').getByText('cancelled').waitFor();
    await page.getByRole('button', { name: 'Start ramp' }).waitFor();
    expectEqual((await state(FLAG)).targeting, { fractional: [['on', 1], ['off', 99]] }, 'the state after the cancel');
  });

  await t.step('a prerequisite is set on the flag and said in words', async () => {
    await page.getByRole('tab', { name: 'Targeting in development' }).click();
    await addPrerequisite(page, 1, GATE, 'on');
    await page.getByTestId('prerequisites-text').getByText(`Serves its rules only when ${GATE} is on; otherwise its default variant`, { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Save development' }).click();
    await page.getByText(/^Saved new-checkout in development/).waitFor();
    expectEqual((await state(FLAG)).prerequisites, [{ flag: GATE, variants: ['on'] }], 'the saved prerequisites');
    await shot(page, dir, 'flag-prerequisites');
  });

  await t.step('the playground names the prerequisite that decided', async () => {
    await page.goto(`${flagUrl(FLAG)}?tab=playground`);
    await page.getByLabel('Evaluation context').fill('{"targetingKey": "user-1"}');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByTestId('playground-reason').getByText('DEFAULT').waitFor();
    await page.getByTestId('playground-matched').getByText(`prerequisite ${GATE}`).waitFor();
    await page.getByTestId('playground-prerequisite-verdict').getByText(`Prerequisite ${GATE} is off or served no variant, not on: it decided`, { exact: false }).waitFor();
    await shot(page, dir, 'flag-playground-prerequisite');
  });

  await t.step('with the prerequisite on, the playground says it held and the flag’s own rules decided', async () => {
    await page.goto(flagUrl(GATE));
    await page.getByLabel('Enabled in development').check();
    // Picking the variant already chosen would clear it.
    if ((await page.getByRole('combobox', { name: 'Default variant' }).inputValue()) !== 'on') await choose(page, page, 'Default variant', 'on');
    await page.getByRole('button', { name: 'Save development' }).click();
    await page.getByText(/^Saved beta in development/).waitFor();
    await page.goto(`${flagUrl(FLAG)}?tab=playground`);
    await page.getByLabel('Evaluation context').fill('{"targetingKey": "user-1"}');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByTestId('playground-prerequisite-verdict').getByText(`Every prerequisite held (${GATE} is on), so the flag's own rules decided.`).waitFor();
  });

  await t.step('a prerequisite that would close a cycle is refused, named under the list', async () => {
    await page.goto(flagUrl(GATE));
    await addPrerequisite(page, 1, FLAG, 'on');
    await page.getByRole('button', { name: 'Save development' }).click();
    const problem = page.getByTestId('prerequisites-problem');
    await problem.waitFor();
    const text = await problem.innerText();
    if (!text.includes(FLAG) || !text.includes(GATE)) throw new Error(`the cycle is not named: ${text}`);
    expectEqual((await state(GATE)).prerequisites ?? [], [], 'the gate after the refused save');
    await shot(page, dir, 'flag-prerequisite-cycle');
  });
}
