import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ramp } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { ramp } from '../../test/ramp-fixtures';
import { DEV, MEMBERS } from '../../test/request-fixtures';
import { RampProgress } from './RampProgress';

const RAMP = '/api/v1/projects/p1/environments/e-dev/flags/checkout/ramp';

function show(r: Ramp, { canEdit = true, routes = {} }: { canEdit?: boolean; routes?: Parameters<typeof fakeFetch>[0] } = {}) {
  const api = fakeFetch({ 'GET /api/v1/orgs/o1/members': [200, MEMBERS], ...routes });
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/flags/:flag" element={<RampProgress project="p1" env={DEV} ramp={r} canEdit={canEdit} />} />
    </Routes>,
    { route: '/orgs/o1/projects/p1/envs/development/flags/checkout' },
  );
  return api;
}

const posts = (api: ReturnType<typeof fakeFetch>) => api.calls.filter((c) => c.method === 'POST');

afterEach(() => vi.unstubAllGlobals());

describe("a ramp's progress", () => {
  it('shows its status, the share at its current step and when the next step comes', () => {
    show(ramp({ step: 1, version: 3 }));
    expect(screen.getByTestId('ramp-status')).toHaveTextContent('active');
    expect(screen.getByTestId('ramp-percent')).toHaveTextContent('5 %');
    expect(screen.getByTestId('ramp-summary')).toHaveTextContent('Step 2 of 5: 5 % get on. Next: 25 % at');
  });

  it('names who started it', async () => {
    show(ramp());
    await waitFor(() => expect(screen.getByRole('region', { name: 'Ramp of checkout in development' })).toHaveTextContent('Started by Ada Owner'));
  });

  it("pauses with the ramp's version", async () => {
    const user = userEvent.setup();
    const api = show(ramp({ version: 3 }), { routes: { [`POST ${RAMP}/pause`]: [200, ramp({ version: 4, status: 'paused' })] } });
    await user.click(screen.getByRole('button', { name: 'Pause ramp' }));
    await waitFor(() => expect(posts(api)).toEqual([{ method: 'POST', path: `${RAMP}/pause`, body: { version: 3 } }]));
  });

  it('offers to resume a paused ramp', async () => {
    const user = userEvent.setup();
    const api = show(ramp({ status: 'paused', nextAt: null, version: 4 }), { routes: { [`POST ${RAMP}/resume`]: [200, ramp({ version: 5 })] } });
    expect(screen.queryByRole('button', { name: 'Pause ramp' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Resume ramp' }));
    await waitFor(() => expect(posts(api)[0]).toMatchObject({ path: `${RAMP}/resume`, body: { version: 4 } }));
  });

  it('says why it paused itself', () => {
    show(ramp({ status: 'paused', nextAt: null, problem: "the flag's state was changed since the ramp's last step" }));
    expect(screen.getByTestId('ramp-problem')).toHaveTextContent("The flag's state was changed since the ramp's last step. A ramp whose state was changed by hand cannot be resumed");
  });

  it('asks before cancelling, saying the state stays as its step left it', async () => {
    const user = userEvent.setup();
    const api = show(ramp({ step: 2, version: 6 }), { routes: { [`POST ${RAMP}/cancel`]: [200, ramp({ status: 'cancelled', version: 7 })] } });
    await user.click(screen.getByRole('button', { name: 'Cancel ramp…' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('The state stays as step 3 left it (25 % get on)');
    expect(posts(api)).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel the ramp' }));
    await waitFor(() => expect(posts(api)[0]).toMatchObject({ path: `${RAMP}/cancel`, body: { version: 6 } }));
  });

  it('shows a stale action refused', async () => {
    const user = userEvent.setup();
    show(ramp({ version: 3 }), { routes: { [`POST ${RAMP}/pause`]: [409, { error: { code: 'conflict', message: 'the ramp was changed by someone else', details: { currentVersion: 4 } } }] } });
    await user.click(screen.getByRole('button', { name: 'Pause ramp' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The current version is 4.');
  });

  it('offers nothing to do once completed', () => {
    show(ramp({ status: 'completed', step: 4, nextAt: null }));
    expect(screen.getByTestId('ramp-summary')).toHaveTextContent('Completed: 100 % get on.');
    for (const name of [/Pause/, /Resume/, /Cancel/]) expect(screen.queryByRole('button', { name })).toBeNull();
  });

  it('offers a viewer no action', () => {
    show(ramp(), { canEdit: false });
    expect(screen.queryByRole('button', { name: 'Pause ramp' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Cancel ramp…' })).toBeNull();
  });
});
