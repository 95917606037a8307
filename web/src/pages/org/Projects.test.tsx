import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import Projects from './Projects';

const ORG = 'o1';
const PROJECT = { id: 'p1', orgId: ORG, name: 'Checkout service', createdAt: 0 };
const me = (role: Role) => [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [{ organization: { id: ORG, name: 'Acme', createdAt: 0 }, role }] }] as [number, unknown];

afterEach(() => vi.unstubAllGlobals());

function show(items: unknown[], role: Role = 'admin', more: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch({ 'GET /api/v1/auth/me': me(role), [`GET /api/v1/orgs/${ORG}/projects`]: [200, { items, next: null }], ...more });
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects" element={<Projects />} />
    </Routes>,
    { route: `/orgs/${ORG}/projects` },
  );
  return api;
}

describe('Projects page', () => {
  it('with no projects, teaches creating the first one', async () => {
    const user = userEvent.setup();
    show([]);
    const empty = await screen.findByTestId('no-projects');
    expect(empty).toHaveTextContent('No projects yet');
    await user.click(await within(empty).findByRole('button', { name: 'Create your first project' }));
    expect(await screen.findByRole('dialog', { name: 'New project' })).toBeInTheDocument();
  });

  it('a viewer without projects is told who creates them', async () => {
    show([], 'viewer');
    await waitFor(() => expect(screen.getByTestId('no-projects')).toHaveTextContent('Creating projects needs the admin role'));
  });

  it("renames a project from its card's menu", async () => {
    const user = userEvent.setup();
    const api = show([PROJECT], 'admin', { 'PATCH /api/v1/projects/p1': [200, { ...PROJECT, name: 'Payments' }] });
    await user.click(await screen.findByRole('button', { name: 'Actions for Checkout service' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Rename…' }));
    const dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByRole('textbox', { name: 'Project name' });
    await user.clear(name);
    await user.click(name);
    await user.paste('Payments');
    await user.click(within(dialog).getByRole('button', { name: 'Rename project' }));
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PATCH', path: '/api/v1/projects/p1', body: { name: 'Payments' } }));
  });

  it('deleting a project names what goes and needs its name typed', async () => {
    const user = userEvent.setup();
    const api = show([PROJECT], 'admin', {
      'GET /api/v1/projects/p1/environments': [200, [{ id: 'e1', key: 'development', name: 'development' }, { id: 'e2', key: 'production', name: 'Production' }]],
      'GET /api/v1/projects/p1/flags': [200, { items: [{ key: 'a' }], next: null }],
      'DELETE /api/v1/projects/p1': [204, null],
    });
    await user.click(await screen.findByRole('button', { name: 'Actions for Checkout service' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Delete…' }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(dialog).toHaveTextContent('its 2 environments (development, Production), with every SDK key in them: the keys stop working'));
    await waitFor(() => expect(dialog).toHaveTextContent('its 1 flag and segments'));
    const confirm = within(dialog).getByRole('button', { name: 'Delete project' });
    expect(confirm).toBeDisabled();
    await user.click(within(dialog).getByLabelText(/^Type the project's name/));
    await user.paste('Checkout service');
    await user.click(confirm);
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'DELETE', path: '/api/v1/projects/p1', body: undefined }));
  });
});
