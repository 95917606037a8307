import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ramp } from '../../test/ramp-fixtures';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV, MEMBERS } from '../../test/request-fixtures';
import FlagsList from './FlagsList';

const flag = { projectId: 'p1', key: 'checkout', name: 'Checkout', type: 'boolean', variants: [{ name: 'on', value: true }, { name: 'off', value: false }], tags: [], archived: false, version: 1, updatedAt: 0 };
const prerequisites = [{ flag: 'beta', variants: ['on'] }];
const rules = { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on', null] };
// What the export serves: the prerequisites compiled into the targeting.
const compiled = { if: [{ in: [{ $ref: 'flag:beta' }, ['on']] }, rules, null] };
const doc = { flags: { checkout: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: compiled, metadata: { version: 6 } } } };
const state = { environmentId: 'e-dev', flagKey: 'checkout', enabled: true, defaultVariant: 'off', targeting: rules, prerequisites, version: 6, updatedBy: 'user:ada', updatedAt: 0 };
const STATE = '/api/v1/projects/p1/environments/e-dev/flags/checkout';

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

function show(ramps: unknown[] = []) {
  const api = fakeFetch({
      'GET /api/v1/auth/me': [200, { user: { id: 'bob', email: 'bob@example.com', name: 'Bob', createdAt: 0 }, memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role: 'editor' }] }],
      'GET /api/v1/orgs/o1/members': [200, MEMBERS],
      'GET /api/v1/orgs/o1/audit': [200, { items: [], next: null }],
      'GET /api/v1/projects/p1/environments': [200, [DEV]],
      'GET /api/v1/projects/p1/flags': [200, { items: [flag], next: null }],
      'GET /api/v1/projects/p1/ramps': [200, { items: ramps }],
      'GET /api/v1/projects/p1/environments/e-dev/flagd': [200, doc],
      [`GET ${STATE}`]: [200, state],
      [`PUT ${STATE}`]: [200, { ...state, enabled: false, version: 7 }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(
      <Routes>
        <Route path="/orgs/:org/projects/:project/envs/:env/flags" element={<FlagsList />} />
      </Routes>,
      { route: '/orgs/o1/projects/p1/envs/development/flags' },
    );
  return api;
}

describe('a switch in the flags list', () => {
  it("turns the flag off keeping its stored rules and prerequisites, not the export's compiled targeting", async () => {
    const user = userEvent.setup();
    const api = show();
    const sw = await screen.findByRole('switch', { name: 'checkout in development' });
    await waitFor(() => expect(sw).toBeEnabled());
    await user.click(sw);
    await waitFor(() => expect(api.calls.find((c) => c.method === 'PUT')).toBeDefined());
    expect(api.calls.find((c) => c.method === 'PUT')?.body).toEqual({ enabled: false, defaultVariant: 'off', targeting: rules, prerequisites, version: 6 });
  });
});

describe('ramps in the flags list', () => {
  it('marks a flag ramping in the current environment with its share', async () => {
    show([ramp({ environmentId: 'e-dev', step: 1 })]);
    expect(await screen.findByTestId('ramp-badge')).toHaveTextContent('ramping 5 %');
  });

  it('does not mark a flag whose ramp here has completed', async () => {
    const api = show([ramp({ environmentId: 'e-dev', status: 'completed' })]);
    await screen.findByTestId('flag-row-checkout');
    await waitFor(() => expect(api.calls.some((c) => c.path === '/api/v1/projects/p1/ramps')).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('ramp-badge')).toBeNull();
  });
});
