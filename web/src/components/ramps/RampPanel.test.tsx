import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Flag, FlagState, Ramp } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { ramp } from '../../test/ramp-fixtures';
import { DEV, MEMBERS, request } from '../../test/request-fixtures';
import { RampPanel } from './RampPanel';

const flag = { projectId: 'p1', key: 'checkout', name: 'Checkout', type: 'boolean', variants: [{ name: 'on', value: true }, { name: 'off', value: false }], version: 1 } as Flag;
const state: FlagState = { environmentId: 'e-dev', flagKey: 'checkout', enabled: true, defaultVariant: 'off', targeting: null, version: 4, updatedBy: 'user:ada', updatedAt: 0 };
const RAMP = 'GET /api/v1/projects/p1/environments/e-dev/flags/checkout/ramp';
const NONE: [number, unknown] = [404, { error: { code: 'not_found', message: 'ramp not found', details: null } }];

function show(last: Ramp | null, open: unknown[] = []) {
  vi.stubGlobal(
    'fetch',
    fakeFetch({
      'GET /api/v1/orgs/o1/members': [200, MEMBERS],
      [RAMP]: last ? [200, last] : NONE,
      'GET /api/v1/projects/p1/change-requests': (_b, url) => [200, { items: url.searchParams.get('status') === 'open' ? open : [], next: null }],
    }).fn,
  );
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/flags/:flag" element={<RampPanel project="p1" env={DEV} flag={flag} state={state} canEdit />} />
    </Routes>,
    { route: '/orgs/o1/projects/p1/envs/development/flags/checkout' },
  );
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("a flag's ramp in an environment", () => {
  it('offers a plan for a flag that never ramped there', async () => {
    show(null);
    expect(await screen.findByText('checkout has never ramped in development.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start ramp' })).toBeInTheDocument();
  });

  it('shows a running ramp, and no second plan', async () => {
    show(ramp());
    expect(await screen.findByTestId('ramp-progress')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start ramp' })).toBeNull();
  });

  it('shows how the last ramp ended beside a plan for a new one', async () => {
    show(ramp({ status: 'cancelled', nextAt: null }));
    expect(await screen.findByTestId('ramp-status')).toHaveTextContent('cancelled');
    expect(screen.getByRole('button', { name: 'Start ramp' })).toBeInTheDocument();
  });

  it('links a ramp proposed in an open change request', async () => {
    const proposed = request({ id: 'r9', title: 'Ramp checkout', changes: [{ kind: 'ramp', environmentId: 'e-dev', flag: 'checkout', baseVersion: 4, variant: 'on', baseline: 'off', steps: [{ percent: 5, holdMs: 1000 }] }] });
    show(null, [proposed]);
    expect(await screen.findByRole('link', { name: 'Ramp checkout' })).toHaveAttribute('href', '/orgs/o1/projects/p1/envs/development/requests/r9');
  });
});
