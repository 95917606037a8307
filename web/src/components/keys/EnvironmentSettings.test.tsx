import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { EnvironmentSettings } from './EnvironmentSettings';

const P = '/api/v1/projects/p1';
const env = (id: string, key: string, over: Partial<Environment> & { critical?: boolean } = {}) =>
  ({ id, orgId: 'o1', projectId: 'p1', key, name: key, revision: 1, allowedOrigins: [], createdAt: 0, ...over }) as Environment;
const DEV = env('e1', 'development');
const PROD = env('e2', 'production', { name: 'Production' });

afterEach(() => vi.unstubAllGlobals());

function show(current: Environment, all: Environment[], routes: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch({
    [`GET ${P}/flags`]: [200, { items: [{ key: 'a' }, { key: 'b' }, { key: 'c' }], next: null }],
    [`GET ${P}/environments/${current.id}/keys`]: [200, [{ id: 'k1', kind: 'client', prefix: 'sy_c', createdAt: 0, environmentId: current.id, orgId: 'o1', projectId: 'p1' }]],
    ...routes,
  });
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/environments" element={<EnvironmentSettings org="o1" project="p1" env={current} environments={all} canManage />} />
    </Routes>,
    { route: `/orgs/o1/projects/p1/envs/${current.key}/environments` },
  );
  return api;
}

describe('EnvironmentSettings', () => {
  it('renaming an environment patches its name; its key stays', async () => {
    const user = userEvent.setup();
    const api = show(PROD, [DEV, PROD], { [`PATCH ${P}/environments/e2`]: [200, { ...PROD, name: 'Live' }] });
    const name = screen.getByRole('textbox', { name: 'Display name' });
    expect(name).toHaveAccessibleDescription(/Its key, production, stays/);
    await user.clear(name);
    expect(screen.getByRole('button', { name: 'Rename' })).toBeDisabled();
    await user.click(name);
    await user.paste('Live');
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PATCH', path: `${P}/environments/e2`, body: { name: 'Live' } }));
  });

  it('the critical switch marks the environment critical', async () => {
    const api = show(PROD, [DEV, PROD], { [`PATCH ${P}/environments/e2`]: [200, { ...PROD, critical: true }] });
    await userEvent.setup().click(screen.getByRole('switch', { name: /Critical environment/ }));
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PATCH', path: `${P}/environments/e2`, body: { critical: true } }));
  });

  it('a critical environment shows its warning badge', () => {
    show(env('e2', 'production', { critical: true }), [DEV, PROD]);
    expect(screen.getByRole('switch', { name: /Critical environment/ })).toBeChecked();
    expect(screen.getByText('critical')).toBeInTheDocument();
  });

  it('deleting an environment names what goes and needs its key typed', async () => {
    const user = userEvent.setup();
    const api = show(PROD, [DEV, PROD], { [`DELETE ${P}/environments/e2`]: [204, null] });
    await user.click(screen.getByRole('button', { name: 'Delete environment…' }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(dialog).toHaveTextContent("each of the project's 3 flags in Production (the flags stay in development)"));
    expect(dialog).toHaveTextContent('its 1 SDK key: they stop working at once');
    const confirm = within(dialog).getByRole('button', { name: 'Delete environment' });
    expect(confirm).toBeDisabled();
    await user.click(within(dialog).getByLabelText(/^Type the environment's key/));
    await user.paste('Production');
    expect(confirm).toBeDisabled();
    await user.clear(within(dialog).getByLabelText(/^Type the environment's key/));
    await user.click(within(dialog).getByLabelText(/^Type the environment's key/));
    await user.paste('production');
    await user.click(confirm);
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'DELETE', path: `${P}/environments/e2`, body: undefined }));
  });

  it("a project's only environment cannot be deleted", () => {
    show(DEV, [DEV]);
    expect(screen.queryByRole('button', { name: 'Delete environment…' })).not.toBeInTheDocument();
    expect(screen.getByText(/only environment/)).toBeInTheDocument();
  });
});
