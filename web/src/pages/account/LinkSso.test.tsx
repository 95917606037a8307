import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import { LinkSso } from './LinkSso';

afterEach(() => vi.unstubAllGlobals());

const ME = [
  200,
  {
    user: { id: 'u1', email: 'ada@acme.test', name: 'Ada', createdAt: 0, twoFactor: false, recoveryCodesLeft: 0, emailVerified: true },
    memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role: 'viewer' }],
  },
] as [number, unknown];

describe('LinkSso', () => {
  it("starts a link for the chosen organization and says why one is refused", async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      'GET /api/v1/auth/me': ME,
      'POST /api/v1/auth/sso/link': [404, { error: { code: 'not_found', message: 'single sign-on for this email domain not found', details: null } }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<LinkSso />);
    await user.click(await screen.findByRole('button', { name: 'Link single sign-on' }));
    expect(await screen.findByText(/for this email domain not found/)).toBeInTheDocument();
    expect(api.calls.find((c) => c.path.endsWith('/auth/sso/link'))?.body).toEqual({ org: 'o1' });
  });
});
