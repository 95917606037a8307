// Accounts as a person makes them: the sign-up form, and an invitation accepted.

export const PASSWORD = 'correct horse battery';

export async function signUp(page, base, { name, email, org }) {
  await page.goto(`${base}/signup`);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Password/).first().fill(PASSWORD);
  await page.getByLabel('Organization').fill(org);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Opens an invitation link and accepts it (the page must be signed in as the invitee). */
export async function acceptInvitation(page, base, token, orgId) {
  await page.goto(`${base}/invitations/accept?token=${encodeURIComponent(token)}`);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await page.waitForURL(new RegExp(`/orgs/${orgId}`));
}
