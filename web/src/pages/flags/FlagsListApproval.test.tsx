import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV, MEMBERS, PROD, request } from '../../test/request-fixtures';
import FlagsList from './FlagsList';

const flag = { projectId: 'p1', key: 'checkout', name: 'Checkout', type: 'boolean', variants: [{ name: 'on', value: true }, { name: 'off', value: false }], tags: [], archived: false, version: 1, updatedAt: 0 };
const prerequisites = [{ flag: 'beta', variants: ['on'] }];
// The export compiles prerequisites into the targeting; the state holds them as they are.
const compiled = { if: [{ in: [{ $ref: 'flag:beta' }, ['on']] }, 'off', null] };
const doc = { flags: { checkout: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: compiled, metadata: { version: 6 } } } };
const state = { environmentId: 'e-prod', flagKey: 'checkout', enabled: false, defaultVariant: 'off', targeting: null, prerequisites, version: 6, updatedBy: 'user:ada', updatedAt: 0 };

function show() {
  const api = fakeFetch({
    'GET /api/v1/auth/me': [200, { user: { id: 'bob', email: 'bob@example.com', name: 'Bob', createdAt: 0 }, memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role: 'editor' }] }],
    'GET /api/v1/orgs/o1/members': [200, MEMBERS],
    'GET /api/v1/orgs/o1/audit': [200, { items: [], next: null }],
    'GET /api/v1/projects/p1/environments': [200, [DEV, PROD]],
    'GET /api/v1/projects/p1/flags': [200, { items: [flag], next: null }],
    'GET /api/v1/projects/p1/environments/e-dev/flagd': [200, doc],
    'GET /api/v1/projects/p1/environments/e-prod/flagd': [200, doc],
    'GET /api/v1/projects/p1/environments/e-prod/flags/checkout': [200, state],
    'POST /api/v1/projects/p1/change-requests': [201, request()],
  });
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/flags" element={<FlagsList />} />
    </Routes>,
    { route: '/orgs/o1/projects/p1/envs/production/flags' },
  );
  return api;
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('the flags list where an environment requires approval', () => {
  it("marks that environment's column with its requirement", async () => {
    show();
    expect(await screen.findByTestId('approval-badge')).toHaveTextContent('Requires 1 approval');
  });

  it('a switch there opens a proposal of the flip, made on the version shown, keeping the stored rules and prerequisites, instead of saving', async () => {
    const user = userEvent.setup();
    const api = show();
    const sw = await screen.findByRole('switch', { name: 'checkout in production' });
    await waitFor(() => expect(sw).toBeEnabled());
    await user.click(sw);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Title')).toHaveValue('Turn on checkout in production');
    await user.click(within(dialog).getByRole('button', { name: 'Open change request' }));
    await within(dialog).findByTestId('request-opened');
    expect(api.calls.filter((c) => c.method === 'PUT')).toEqual([]);
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      changes: [{ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 6, enabled: true, defaultVariant: 'off', targeting: null, prerequisites }],
    });
  });
});
