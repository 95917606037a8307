// The basics story: what a team needs besides flags. An owner renames an environment, rotates a
// key and revokes the new one (the copy-it-now box goes with it), exports production as a flagd
// file and imports an edited copy through its preview, changes their password, renames the
// organization, marks production critical, lists and revokes a pending invitation, and a second
// invitee signs up straight into the organization from the invitation link.
import { readFileSync } from 'node:fs';
import { PASSWORD, signUp } from './lib/accounts.mjs';
import { apiAs, expectEqual, shot } from './lib/ui.mjs';

const FLAG = 'greeting';
const NEW_PASSWORD = 'a different horse battery';

export async function basics({ t, context, launch, server, screenshotsDir: dir }) {
  const base = server.url;
  const page = context.pages()[0] ?? (await context.newPage());
  t.setPage(page);
  let orgId = '';
  let projectId = '';
  let prodId = '';
  const envUrl = (env) => `${base}/orgs/${orgId}/projects/${projectId}/envs/${env}`;
  const environments = async () => (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments`)).body;

  await t.step('an owner signs up, creates a project and a flag', async () => {
    await signUp(page, base, { name: 'Bea Basics', email: 'bea@example.com', org: 'Initech' });
    await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
    orgId = page.url().split('/orgs/')[1].split('/')[0];
    await page.getByTestId('no-projects').getByRole('button', { name: 'Create your first project' }).click();
    await page.getByLabel('Project name').fill('Storefront');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/envs\/development\/flags$/);
    projectId = page.url().split('/projects/')[1].split('/')[0];
    await page.getByRole('button', { name: 'New flag' }).click();
    await page.getByLabel(/^Key/).fill(FLAG);
    await page.getByLabel('Name', { exact: true }).fill('Greeting');
    await page.getByRole('button', { name: 'Create flag' }).click();
    await page.waitForURL(new RegExp(`/flags/${FLAG}$`));
    prodId = (await environments()).find((e) => e.key === 'production').id;
  });

  await t.step('rename the production environment; its key stays', async () => {
    await page.goto(`${envUrl('production')}/environments`);
    const name = page.getByRole('textbox', { name: 'Display name' });
    await name.fill('Production (live)');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByTestId('env-row-production').getByText('Production (live)').waitFor();
    const prod = (await environments()).find((e) => e.id === prodId);
    expectEqual([prod.key, prod.name], ['production', 'Production (live)'], 'the renamed environment');
  });

  await t.step('rotate a key, then revoke the new one: the copy-it-now box goes with it', async () => {
    await page.getByRole('button', { name: 'New client key' }).click();
    await page.getByTestId('secret').waitFor();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const secret = (await page.getByTestId('secret').innerText()).trim();
    await page.getByTestId('secret-overlap').getByText(/keeps working until .+ \(in 24 h\)/).waitFor();
    await page.getByText(/rotated: keeps working until .+ \(in 24 h\)/).waitFor();
    await shot(page, dir, 'basics-key-rotated');
    const prefix = secret.slice(0, 14);
    const keys = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${prodId}/keys`)).body;
    const fresh = keys.find((k) => secret.startsWith(k.prefix) && !k.expiresAt);
    if (!fresh) throw new Error(`the new key ${prefix}… is not listed`);
    await page.getByRole('button', { name: `Revoke ${fresh.prefix}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('secret').waitFor({ state: 'detached' });
    if (await page.getByText(secret).count()) throw new Error('the revoked secret is still on the page');
  });

  await t.step('export production as a flagd file, import an edited copy through its preview', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export flagd JSON' }).click()]);
    expectEqual(download.suggestedFilename(), 'storefront-production.flagd.json', 'the file name');
    const doc = JSON.parse(readFileSync(await download.path(), 'utf8'));
    if (!doc.flags?.[FLAG]) throw new Error(`the export lacks ${FLAG}: ${JSON.stringify(doc)}`);
    doc.flags[FLAG].state = 'ENABLED';
    doc.flags['imported-banner'] = { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off' };

    await page.getByRole('button', { name: 'Import flagd JSON…' }).click();
    const dialog = page.getByRole('dialog');
    // A broken paste first: the problem is shown, nothing is sent.
    await dialog.getByRole('textbox', { name: 'flagd document' }).fill('{"flags": {"x": {"state": "ON"}}}');
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByTestId('flagd-parse-problems').getByText('/flags/x/state').waitFor();
    await dialog.getByRole('textbox', { name: 'flagd document' }).fill(JSON.stringify(doc, null, 2));
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByTestId('preview-added').getByText('1 added').waitFor();
    await dialog.getByTestId('preview-changed').getByText('1 changed').waitFor();
    await dialog.getByTestId(`preview-row-${FLAG}`).getByText('turned on (was off)').waitFor();
    await shot(page, dir, 'basics-flagd-preview');
    await dialog.getByRole('button', { name: /^Import into / }).click();
    await dialog.waitFor({ state: 'detached' });
    const after = (await apiAs(page, 'GET', `/api/v1/projects/${projectId}/environments/${prodId}/flagd`)).body;
    expectEqual([after.flags[FLAG].state, after.flags['imported-banner']?.state], ['ENABLED', 'DISABLED'], 'production after the import');
  });

  await t.step('change the password from the user menu, then sign in with the new one', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Change password' }).click();
    await page.waitForURL(/\/account\/password$/, { waitUntil: 'commit' });
    await page.getByLabel(/^Current password/).fill('not the password');
    await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await page.getByLabel(/^Repeat the new password/).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('This is not your current password').waitFor();
    await page.getByLabel(/^Current password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('password-changed').waitFor();
    // Still signed in here with the new token.
    expectEqual((await apiAs(page, 'GET', '/api/v1/auth/me')).status, 200, 'this session after the change');
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByLabel(/^Email/).fill('bea@example.com');
    await page.getByLabel(/^Password/).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the session ended.
    await page.getByRole('heading', { name: 'Password' }).waitFor();
  });

  await t.step('rename the organization from its settings page', async () => {
    await page.goto(`${base}/orgs/${orgId}/projects`);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('textbox', { name: 'Organization name' }).fill('Initech Labs');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Renamed the organization to Initech Labs').waitFor();
    const me = (await apiAs(page, 'GET', '/api/v1/auth/me')).body;
    expectEqual(me.memberships.find((m) => m.organization.id === orgId).organization.name, 'Initech Labs', 'the organization name');
    await shot(page, dir, 'basics-org-settings');
  });

  await t.step('production is marked critical with its switch, and badged in the environments table', async () => {
    await page.goto(`${envUrl('production')}/environments`);
    const badge = page.getByTestId('env-row-production').getByText('critical', { exact: true });
    const toggle = page.getByRole('switch', { name: /Critical environment/ });
    const critical = async () => (await environments()).find((e) => e.id === prodId).critical;
    if (await critical()) {
      // Already critical (the server's default for production): off, then on again.
      await badge.waitFor();
      await toggle.click();
      await badge.waitFor({ state: 'detached' });
      expectEqual(await critical(), false, 'production after turning critical off');
    }
    await toggle.click();
    await badge.waitFor();
    expectEqual(await critical(), true, 'production is critical');
    await shot(page, dir, 'basics-critical');
  });

  await t.step('a pending invitation is listed, then revoked', async () => {
    await page.goto(`${base}/orgs/${orgId}/members`);
    await page.getByTestId('no-invitations').waitFor();
    await page.getByLabel('Email', { exact: true }).fill('dora@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    const row = page.getByTestId('invitation-dora@example.com');
    await row.getByText('Bea Basics').waitFor();
    await shot(page, dir, 'basics-pending-invitations');
    await row.getByRole('button', { name: 'Revoke the invitation for dora@example.com' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('no-invitations').waitFor();
    expectEqual((await apiAs(page, 'GET', `/api/v1/orgs/${orgId}/invitations`)).body, [], 'pending invitations after the revoke');
  });

  await t.step('an invitee signs up from the link straight into the organization', async () => {
    await page.getByLabel('Email', { exact: true }).fill('eve@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByTestId('invitation').getByText('eve@example.com').waitFor();
    const link = (await page.getByTestId('invitation-link').innerText()).trim();
    const ctx = await launch('basics-invitee');
    const invitee = ctx.pages()[0] ?? (await ctx.newPage());
    t.setPage(invitee);
    await invitee.goto(link);
    await invitee.getByTestId('signin-invitation').getByRole('link', { name: 'Create an account' }).click();
    await invitee.getByTestId('signup-invitation').waitFor();
    if (await invitee.getByLabel('Organization').count()) throw new Error('an invitee is asked to name an organization');
    await invitee.getByLabel('Your name').fill('Eve Invitee');
    await invitee.getByLabel(/^Email/).fill('eve@example.com');
    await invitee.getByLabel(/^Password/).first().fill(PASSWORD);
    await invitee.getByRole('button', { name: 'Create account and join' }).click();
    await invitee.waitForURL(new RegExp(`/orgs/${orgId}/`));
    const me = (await apiAs(invitee, 'GET', '/api/v1/auth/me')).body;
    expectEqual(
      me.memberships.map((m) => [m.organization.id, m.role]),
      [[orgId, 'editor']],
      "the invitee's memberships",
    );
    t.setPage(page);
  });
}
