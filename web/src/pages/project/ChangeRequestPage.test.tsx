import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestView } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV, MEMBERS, PROD, view } from '../../test/request-fixtures';
import ChangeRequestPage from './ChangeRequestPage';

const R = '/api/v1/projects/p1/change-requests/r1';
const flag = { projectId: 'p1', key: 'checkout', name: 'Checkout', type: 'boolean', variants: [{ name: 'on', value: true }, { name: 'off', value: false }], version: 2 };

function show(r: RequestView, me = 'ada', extra: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch({
    'GET /api/v1/auth/me': [200, { user: { id: me, email: `${me}@example.com`, name: me, createdAt: 0 }, memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role: MEMBERS.find((m) => m.userId === me)!.role }] }],
    'GET /api/v1/orgs/o1/members': [200, MEMBERS],
    'GET /api/v1/projects/p1/environments': [200, [DEV, PROD]],
    [`GET ${R}`]: [200, r],
    'GET /api/v1/projects/p1/environments/e-prod/flags/checkout': [200, { environmentId: 'e-prod', flagKey: 'checkout', enabled: false, defaultVariant: 'on', targeting: null, version: 3, updatedBy: 'user:ada', updatedAt: 0 }],
    'GET /api/v1/projects/p1/flags/checkout': [200, flag],
    'GET /api/v1/projects/p1/segments': [200, []],
    ...extra,
  });
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/requests/:request" element={<ChangeRequestPage />} />
    </Routes>,
    { route: '/orgs/o1/projects/p1/envs/production/requests/r1' },
  );
  return api;
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('ChangeRequestPage', () => {
  it('shows each change as what is stored now → what it proposes', async () => {
    show(view());
    const change = await screen.findByTestId('request-change');
    expect(within(change).getByText('State of checkout in production')).toBeInTheDocument();
    const diff = await within(change).findByTestId('diff');
    expect(within(diff).getByText('/enabled')).toBeInTheDocument();
    expect(within(diff).queryByText('/defaultVariant')).toBeNull();
  });

  it("shows a ramp's plan as its steps", async () => {
    const steps = [{ percent: 5, holdMs: 3_600_000 }, { percent: 100, holdMs: 86_400_000 }];
    show(view({ changes: [{ kind: 'ramp', environmentId: 'e-prod', flag: 'checkout', baseVersion: 3, variant: 'on', baseline: 'off', steps }] }));
    const change = await screen.findByTestId('request-change');
    expect(within(change).getByText('Ramp of checkout in production')).toBeInTheDocument();
    const rows = within(change).getAllByTestId('ramp-plan-step');
    expect(rows.map((r) => r.textContent)).toEqual(['5 % on / 95 % off, held 1 h', '100 % on, held 1 d, then the ramp completes']);
  });

  it('shows the prerequisites a state change sets, in words', async () => {
    show(view({ changes: [{ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 3, enabled: false, defaultVariant: 'on', targeting: null, prerequisites: [{ flag: 'beta', variants: ['on'] }] }] }));
    const words = await screen.findByTestId('change-prerequisites');
    expect(words).toHaveTextContent('Prerequisites nowNo prerequisites');
    expect(words).toHaveTextContent('Serves its rules only when beta is on; otherwise its default variant on.');
  });

  it('shows the policy and the approvals given of those needed', async () => {
    show(view());
    expect(await screen.findByTestId('request-policy')).toHaveTextContent('Requires 1 approval from editors or stronger, never from the author');
    expect(screen.getByTestId('approvals-count')).toHaveTextContent('0/1');
  });

  it('puts the problem of a conflicted request first, and offers the refresh', async () => {
    show(view({ status: 'conflicted', problem: 'the state of checkout in production moved from version 3 to version 4' }));
    expect(await screen.findByTestId('request-problem')).toHaveTextContent('The state of checkout in production moved from version 3 to version 4.');
    expect(await screen.findByRole('button', { name: 'Refresh' })).toBeInTheDocument();
  });

  it('warns on a change whose target moved since it was proposed', async () => {
    show(view({ changes: [{ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 2, enabled: true, defaultVariant: 'on', targeting: null }] }));
    expect(await screen.findByTestId('change-moved')).toHaveTextContent('version 3 is stored now');
  });

  it('offers an editor the edit of an open request', async () => {
    show(view(), 'bob');
    expect(await screen.findByRole('button', { name: 'Edit…' })).toBeInTheDocument();
  });

  it('offers a viewer no edit', async () => {
    show(view(), 'vi');
    await screen.findByTestId('request-change');
    await screen.findByLabelText('Add a comment');
    expect(screen.queryByRole('button', { name: 'Edit…' })).toBeNull();
  });

  it('adds a comment to the thread', async () => {
    const user = userEvent.setup();
    const api = show(view(), 'vi', { [`POST ${R}/comments`]: [201, { id: 'c1', requestId: 'r1', by: 'user:vi', text: 'Why now?', at: Date.now() }] });
    await user.type(await screen.findByLabelText('Add a comment'), 'Why now?');
    await user.click(screen.getByRole('button', { name: 'Comment' }));
    const comment = await screen.findByTestId('request-comment');
    expect(comment).toHaveTextContent('Vi Viewer');
    expect(comment).toHaveTextContent('Why now?');
    await waitFor(() => expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ text: 'Why now?' }));
  });
});
