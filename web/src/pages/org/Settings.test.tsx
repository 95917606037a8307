import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import Settings from './Settings';

const me = (role: Role, name = 'Acme') =>
  [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [{ organization: { id: 'o1', name, createdAt: 0 }, role }] }] as [number, unknown];

afterEach(() => vi.unstubAllGlobals());

function show(role: Role, more: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch({ 'GET /api/v1/auth/me': me(role), ...more });
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
