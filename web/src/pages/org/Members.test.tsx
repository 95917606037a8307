import { notifications } from '@mantine/notifications';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import Members from './Members';

const ORG = '/api/v1/orgs/o1';
const ME = [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role: 'owner' }] }] as [number, unknown];
const MEMBERS = [
  { userId: 'u1', email: 'ada@example.com', name: 'Ada', role: 'owner' },
  { userId: 'u2', email: 'bob@example.com', name: 'Bob', role: 'viewer' },
];
const INVITE = { id: 'i1', email: 'cleo@example.com', role: 'editor', invitedBy: 'u1', invitedByName: null, expiresAt: Date.now() + 86_400_000 };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function show(more: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch({ 'GET /api/v1/auth/me': ME, [`GET ${ORG}/members`]: [200, MEMBERS], [`GET ${ORG}/invitations`]: [200, [INVITE]], ...more });
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/members" element={<Members />} />
    </Routes>,
    { route: '/orgs/o1/members' },
  );
  return api;
}

async function chooseRole(user: ReturnType<typeof userEvent.setup>, email: string, role: string) {
  await user.click(await screen.findByRole('combobox', { name: `Role of ${email}` }));
  await user.click(await screen.findByRole('option', { name: role }));
}

describe('Members page', () => {
  it('lists pending invitations with who sent them, and revokes one', async () => {
    const user = userEvent.setup();
    let pending = [INVITE];
    const api = show({
      [`GET ${ORG}/invitations`]: () => [200, pending],
      [`DELETE ${ORG}/invitations/i1`]: () => {
        pending = [];
        return [204, null];
      },
    });
    const row = await screen.findByTestId('invitation-cleo@example.com');
    expect(row).toHaveTextContent('editor');
    // No name from the API: the member lookup names the sender.
    await waitFor(() => expect(row).toHaveTextContent('Ada'));
    await user.click(within(row).getByRole('button', { name: 'Revoke the invitation for cleo@example.com' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'DELETE', path: `${ORG}/invitations/i1`, body: undefined }));
    expect(await screen.findByTestId('no-invitations')).toHaveTextContent('No pending invitations');
  });

  it('a role change names the member and the new role', async () => {
    const user = userEvent.setup();
    const show_ = vi.spyOn(notifications, 'show');
    const api = show({ [`PUT ${ORG}/members/u2`]: [200, { userId: 'u2', orgId: 'o1', role: 'editor', createdAt: 0 }] });
    await chooseRole(user, 'bob@example.com', 'editor');
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PUT', path: `${ORG}/members/u2`, body: { role: 'editor' } }));
    await waitFor(() => expect(show_).toHaveBeenCalledWith(expect.objectContaining({ message: 'Bob is now an editor' })));
  });

  it('a refused role change is shown, naming the member', async () => {
    const user = userEvent.setup();
    const show_ = vi.spyOn(notifications, 'show');
    show({ [`PUT ${ORG}/members/u2`]: [409, { error: { code: 'conflict', message: 'an organization keeps at least one owner' } }] });
    await chooseRole(user, 'bob@example.com', 'admin');
    expect(await screen.findByRole('alert')).toHaveTextContent('An organization keeps at least one owner.');
    expect(show_).toHaveBeenCalledWith(expect.objectContaining({ title: 'Bob is still a viewer', color: 'red' }));
  });
});
