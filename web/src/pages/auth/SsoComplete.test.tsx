import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import SsoComplete, { ssoResultFrom } from './SsoComplete';

afterEach(() => vi.unstubAllGlobals());

const session = {
  token: 'jwt',
  user: { id: 'u1', email: 'new@acme.test', name: 'new', createdAt: 0, twoFactor: false, recoveryCodesLeft: 0 },
  organization: { id: 'o1', name: 'Acme', createdAt: 0 },
};

function show(route: string, more: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch(more);
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/sso/complete" element={<SsoComplete />} />
      <Route path="/orgs/:org" element={<p>org home</p>} />
    </Routes>,
    { route },
  );
  return api;
}

describe('Single sign-on completion', () => {
  it('reads a ticket or an error from the fragment', () => {
    expect(ssoResultFrom('#ticket=abc')).toEqual({ ticket: 'abc', error: null });
    expect(ssoResultFrom('#error=sso_domain_not_allowed')).toEqual({ ticket: null, error: 'sso_domain_not_allowed' });
  });

  it('exchanges the ticket once and lands in the organization', async () => {
    const api = show('/sso/complete#ticket=t1', { 'POST /api/v1/auth/sso/exchange': [200, session] });
    expect(await screen.findByText('org home')).toBeInTheDocument();
    const exchanges = api.calls.filter((c) => c.path === '/api/v1/auth/sso/exchange');
    expect(exchanges).toHaveLength(1);
  });

  it('says why the provider round trip was refused', async () => {
    show('/sso/complete#error=sso_email_unverified');
    expect(await screen.findByTestId('sso-error')).toHaveTextContent('has not verified your email');
  });
});
