// The single sign-on story: an owner points the organization at an OpenID provider (the certified
// `oidc-provider` from functions/tests/oidc, on a free loopback port) and sees the redirect URI to
// register there; then a newcomer chooses "Sign in with SSO", types their work email, signs in on
// the provider's own login page and lands in the organization's dashboard as an editor, the
// organization's default role, without ever having had an account.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signUp } from './lib/accounts.mjs';
import { stopChild } from './lib/servers.mjs';
import { apiAs, expectEqual, shot } from './lib/ui.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const providerScript = path.resolve(here, '../../functions/tests/oidc/provider.mjs');

/** The provider, its client allowed back to `callback`: { issuer, stop }. */
async function startProvider(callback) {
  const child = spawn(process.execPath, [providerScript], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, OIDC_REDIRECT_URIS: callback },
  });
  const first = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (c) => reject(new Error(`the OpenID provider exited (${c})`)));
  });
  return { issuer: JSON.parse(first).issuer, stop: () => stopChild(child) };
}

export async function sso({ t, context, launch, server, screenshotsDir: dir }) {
  const base = server.url;
  const callback = `${base}/api/v1/auth/sso/callback`;
  const page = context.pages()[0] ?? (await context.newPage());
  t.setPage(page);
  const provider = await startProvider(callback);
  let orgId = '';
  try {
    await t.step('an owner sets up single sign-on and sees the redirect URI to register', async () => {
      await signUp(page, base, { name: 'Sso Owner', email: 'owner@sso-e2e.test', org: 'Federated' });
      await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
      orgId = page.url().split('/orgs/')[1].split('/')[0];
      const put = await apiAs(page, 'PUT', `/api/v1/orgs/${orgId}/sso`, {
        issuer: provider.issuer,
        clientId: 'switchyard',
        clientSecret: 'switchyard-test-secret',
        emailDomains: ['sso-e2e.test'],
        defaultRole: 'editor',
        enabled: true,
      });
      expectEqual(put.status, 200, 'saving single sign-on');
      await page.goto(`${base}/orgs/${orgId}/settings`);
      expectEqual(await page.getByTestId('sso-redirect-uri').textContent(), callback, 'the redirect URI shown');
      expectEqual(await page.getByLabel('Issuer').inputValue(), provider.issuer, 'the issuer shown');
      await shot(page, dir, 'sso-settings');
    });

    await t.step('a newcomer signs in through the provider and lands in the organization as an editor', async () => {
      const newcomer = await launch('sso-newcomer');
      const p = newcomer.pages()[0] ?? (await newcomer.newPage());
      t.setPage(p);
      await p.goto(`${base}/signin`);
      await p.getByRole('link', { name: 'Sign in with SSO' }).click();
      await p.getByLabel('Work email').fill('newcomer@sso-e2e.test');
      await shot(p, dir, 'sso-signin');
      await p.getByRole('button', { name: 'Continue' }).click();
      // The provider's own login page (its development form: the login is the email).
      await p.waitForURL((u) => u.toString().startsWith(provider.issuer));
      await p.locator('input[name="login"]').fill('newcomer@sso-e2e.test');
      await p.locator('input[name="password"]').fill('anything');
      await p.getByRole('button', { name: 'Sign-in' }).click();
      await p.waitForURL(new RegExp(`/orgs/${orgId}(/|$)`));
      const me = await apiAs(p, 'GET', '/api/v1/auth/me');
      expectEqual(me.body.user.email, 'newcomer@sso-e2e.test', 'the signed-in user');
      const here = me.body.memberships.find((m) => m.organization.id === orgId);
      expectEqual(here?.role, 'editor', 'the newcomer’s role');
      await shot(p, dir, 'sso-landed');
      t.setPage(page);
    });

    await t.step('a refused sign-in says why on the dashboard', async () => {
      await page.goto(`${base}/sso/complete#error=sso_domain_not_allowed`);
      const alert = page.getByTestId('sso-error');
      await alert.waitFor();
      if (!(await alert.textContent()).includes('not in a domain')) throw new Error('the refusal is not explained');
      await shot(page, dir, 'sso-refused');
    });
  } finally {
    await provider.stop();
  }
}
