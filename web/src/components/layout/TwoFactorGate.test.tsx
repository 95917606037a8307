import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Outlet, Route, Routes, useParams } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setToken } from '../../api/client';
import type { Role } from '../../api/types';
import Password from '../../pages/account/Password';
import Members from '../../pages/org/Members';
import { fakeFetch, renderUi } from '../../test/render';
import { TwoFactorGate } from './TwoFactorGate';

const me = (role: Role, twoFactor = false) =>
  [
    200,
    {
      user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0, twoFactor, recoveryCodesLeft: 0 },
      memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0, requireTwoFactor: true }, role }],
    },
  ] as [number, unknown];
const REFUSED = [
  403,
  { error: { code: 'two_factor_setup_required', message: 'this organization requires two-factor sign-in for owners and admins: turn it on first', details: null } },
] as [number, unknown];
const MEMBERS = [{ userId: 'u1', email: 'ada@example.com', name: 'Ada', role: 'admin' }];

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

/** The gate where the frame (Layout) has it: around every page, given the organization in the URL. */
function Frame() {
  const { org = '' } = useParams();
  return (
    <TwoFactorGate org={org}>
      <Outlet />
    </TwoFactorGate>
  );
}

function show(routes: Parameters<typeof fakeFetch>[0]) {
  setToken('t');
  const api = fakeFetch(routes);
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route element={<Frame />}>
        <Route path="/orgs/:org/members" element={<Members />} />
        <Route path="/account/password" element={<Password />} />
      </Route>
    </Routes>,
    { route: '/orgs/o1/members' },
  );
  return api;
}

describe('TwoFactorGate', () => {
  it('a two_factor_setup_required answer shows how to turn it on', async () => {
    show({ 'GET /api/v1/auth/me': me('admin'), 'GET /api/v1/orgs/o1/members': REFUSED, 'GET /api/v1/orgs/o1/invitations': REFUSED });
    const screenOf = await screen.findByTestId('two-factor-setup-required');
    expect(screenOf).toHaveTextContent('Acme requires two-factor sign-in for owners and admins. You are an admin here');
    expect(within(screenOf).getByRole('link', { name: 'Turn on two-factor sign-in' })).toHaveAttribute('href', '/account/password#two-factor');
    expect(screen.queryByText('ada@example.com')).toBeNull();
  });

  it('leads to the two-factor panel of the Password page', async () => {
    const user = userEvent.setup();
    show({ 'GET /api/v1/auth/me': me('owner'), 'GET /api/v1/orgs/o1/members': REFUSED, 'GET /api/v1/orgs/o1/invitations': REFUSED });
    await user.click(await screen.findByRole('link', { name: 'Turn on two-factor sign-in' }));
    expect(await screen.findByTestId('two-factor')).toHaveTextContent('Two-factor sign-in');
    expect(screen.getByRole('button', { name: 'Set up an authenticator app' })).toBeInTheDocument();
    expect(screen.queryByTestId('two-factor-setup-required')).toBeNull();
  });

  it('opens the page again when trying again once the organization lets the caller in', async () => {
    const user = userEvent.setup();
    let refused = true;
    show({
      'GET /api/v1/auth/me': me('admin'),
      'GET /api/v1/orgs/o1/members': () => (refused ? REFUSED : [200, MEMBERS]),
      'GET /api/v1/orgs/o1/invitations': () => (refused ? REFUSED : [200, []]),
    });
    const retry = await screen.findByRole('button', { name: 'Try again' });
    refused = false;
    await user.click(retry);
    expect(await screen.findByText('ada@example.com')).toBeInTheDocument();
    expect(screen.queryByTestId('two-factor-setup-required')).toBeNull();
  });

  it('other refusals stay with the page that met them', async () => {
    show({
      'GET /api/v1/auth/me': me('admin'),
      'GET /api/v1/orgs/o1/members': [403, { error: { code: 'forbidden', message: 'this needs the admin role', details: null } }],
      'GET /api/v1/orgs/o1/invitations': [200, []],
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('This needs the admin role.');
    expect(screen.queryByTestId('two-factor-setup-required')).toBeNull();
  });
});
