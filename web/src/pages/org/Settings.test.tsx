import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import Settings from './Settings';

const me = (role: Role, { twoFactor = false, requireTwoFactor = false } = {}) =>
  [
    200,
    {
      user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0, twoFactor, recoveryCodesLeft: twoFactor ? 10 : 0 },
      memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0, requireTwoFactor }, role }],
    },
  ] as [number, unknown];

afterEach(() => vi.unstubAllGlobals());

function show(role: Role, more: Parameters<typeof fakeFetch>[0] = {}, opts: Parameters<typeof me>[1] = {}) {
  const api = fakeFetch({ 'GET /api/v1/auth/me': me(role, opts), ...more });
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/settings" element={<Settings />} />
    </Routes>,
    { route: '/orgs/o1/settings' },
  );
  return api;
}

describe('Organization settings', () => {
  it('an admin renames the organization', async () => {
    const user = userEvent.setup();
    const api = show('admin', { 'PATCH /api/v1/orgs/o1': [200, { id: 'o1', name: 'Acme Corp', createdAt: 0 }] });
    const name = await screen.findByRole('textbox', { name: 'Organization name' });
    expect(name).toHaveValue('Acme');
    await user.clear(name);
    expect(screen.getByText('Enter a name')).toBeInTheDocument();
    await user.click(name);
    await user.paste('Acme Corp');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PATCH', path: '/api/v1/orgs/o1', body: { name: 'Acme Corp' } }));
  });

  it("shows the API's refusal", async () => {
    const user = userEvent.setup();
    show('admin', { 'PATCH /api/v1/orgs/o1': [403, { error: { code: 'forbidden', message: 'only owners and admins rename an organization' } }] });
    const name = await screen.findByRole('textbox', { name: 'Organization name' });
    await user.click(name);
    await user.paste(' Corp');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Only owners and admins rename an organization.');
  });

  it('a viewer sees the name and id but cannot rename', async () => {
    show('viewer');
    expect(await screen.findByRole('textbox', { name: 'Organization name' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save name' })).not.toBeInTheDocument();
    expect(screen.getByTestId('org-id')).toHaveTextContent('o1');
    expect(screen.getByTestId('read-only')).toBeInTheDocument();
  });
});

describe('Requiring two-factor sign-in', () => {
  const REQUIRE = /^Require two-factor sign-in for owners and admins/;

  it('only an owner can require two-factor sign-in', async () => {
    const api = show('admin', {}, { twoFactor: true });
    expect(await screen.findByRole('switch', { name: REQUIRE })).toBeDisabled();
    expect(screen.getByTestId('require-two-factor-hint')).toHaveTextContent('Only an owner changes this.');
    expect(api.calls.filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('an owner without two-factor is told to turn it on first', async () => {
    show('owner', {}, { twoFactor: false });
    expect(await screen.findByRole('switch', { name: REQUIRE })).toBeDisabled();
    const hint = screen.getByTestId('require-two-factor-hint');
    expect(hint).toHaveTextContent('Turn on two-factor sign-in for your own account first');
    expect(within(hint).getByRole('link', { name: 'Password page' })).toHaveAttribute('href', '/account/password#two-factor');
  });

  it('an owner with two-factor requires it, sending only requireTwoFactor', async () => {
    const user = userEvent.setup();
    const api = show('owner', { 'PATCH /api/v1/orgs/o1': [200, { id: 'o1', name: 'Acme', createdAt: 0, requireTwoFactor: true }] }, { twoFactor: true });
    const toggle = await screen.findByRole('switch', { name: REQUIRE });
    expect(toggle).not.toBeChecked();
    expect(toggle).toBeEnabled();
    expect(screen.queryByTestId('require-two-factor-hint')).toBeNull();
    await user.click(toggle);
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PATCH', path: '/api/v1/orgs/o1', body: { requireTwoFactor: true } }));
  });

  it('shows an organization that requires it as on, and stops requiring it', async () => {
    const user = userEvent.setup();
    const api = show('owner', { 'PATCH /api/v1/orgs/o1': [200, { id: 'o1', name: 'Acme', createdAt: 0, requireTwoFactor: false }] }, { twoFactor: true, requireTwoFactor: true });
    const toggle = await screen.findByRole('switch', { name: REQUIRE });
    expect(toggle).toBeChecked();
    await user.click(toggle);
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PATCH', path: '/api/v1/orgs/o1', body: { requireTwoFactor: false } }));
  });

  it("shows the server's refusal to require two-factor sign-in", async () => {
    const user = userEvent.setup();
    show(
      'owner',
      { 'PATCH /api/v1/orgs/o1': [403, { error: { code: 'forbidden', message: 'turn on two-factor sign-in for your own account first', details: null } }] },
      { twoFactor: true },
    );
    await user.click(await screen.findByRole('switch', { name: REQUIRE }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Turn on two-factor sign-in for your own account first.');
    expect(screen.getByRole('switch', { name: REQUIRE })).not.toBeChecked();
  });
});
