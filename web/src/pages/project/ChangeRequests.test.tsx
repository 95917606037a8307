import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV, MEMBERS, PROD, request } from '../../test/request-fixtures';
import ChangeRequests from './ChangeRequests';

const LIST = 'GET /api/v1/projects/p1/change-requests';

function show(list: (status: string | null) => unknown[]) {
  const asked: (string | null)[] = [];
  vi.stubGlobal(
    'fetch',
    fakeFetch({
      'GET /api/v1/auth/me': [200, { memberships: [] }],
      'GET /api/v1/orgs/o1/members': [200, MEMBERS],
      'GET /api/v1/projects/p1/environments': [200, [DEV, PROD]],
      [LIST]: (_b, url) => {
        asked.push(url.searchParams.get('status'));
        return [200, { items: list(url.searchParams.get('status')), next: null }];
      },
    }).fn,
  );
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/requests" element={<ChangeRequests />} />
    </Routes>,
    { route: '/orgs/o1/projects/p1/envs/production/requests' },
  );
  return asked;
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('the change requests inbox', () => {
  it('lists open requests with author, status, environments, approvals and time', async () => {
    const at = new Date(2027, 0, 5, 9, 30).getTime();
    show((s) => (s === 'open' ? [request({ scheduledAt: at })] : []));
    const row = await screen.findByTestId('request-row');
    expect(within(row).getByRole('link', { name: 'Turn on checkout in production' })).toHaveAttribute('href', '/orgs/o1/projects/p1/envs/production/requests/r1');
    await waitFor(() => expect(row).toHaveTextContent('Bob Editor'));
    expect(row).toHaveTextContent('open');
    await waitFor(() => expect(row).toHaveTextContent('production'));
    expect(within(row).getByTestId('request-approvals')).toHaveTextContent('0/1');
    expect(row).toHaveTextContent('Tue 5 Jan 2027, 09:30');
  });

  it("shows a ramp's flag, variant, environment and percentages in its row", async () => {
    const ramp = { kind: 'ramp' as const, environmentId: 'e-prod', flag: 'checkout', baseVersion: 3, variant: 'on', baseline: 'off', steps: [1, 25, 100].map((percent) => ({ percent, holdMs: 3_600_000 })) };
    show((s) => (s === 'open' ? [request({ title: 'Ramp checkout', changes: [ramp] })] : []));
    const row = await screen.findByTestId('request-row');
    await waitFor(() => expect(within(row).getByTestId('request-row-ramp')).toHaveTextContent('checkout to on in production: 1 → 25 → 100 %'));
  });

  it('each status tab asks for that status', async () => {
    const user = userEvent.setup();
    const asked = show(() => []);
    await user.click(await screen.findByRole('tab', { name: 'Applied' }));
    await waitFor(() => expect(asked).toContain('applied'));
    expect(await screen.findByTestId('no-requests')).toHaveTextContent('No applied change requests.');
  });

  it('counts the requests waiting in the active tabs', async () => {
    show((s) => (s === 'approved' ? [request({ id: 'a', status: 'approved' }), request({ id: 'b', status: 'approved' })] : []));
    await waitFor(() => expect(screen.getByRole('tab', { name: /Approved/ })).toHaveTextContent('2'));
  });
});
