import { notifications } from '@mantine/notifications';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ramp } from '../../test/ramp-fixtures';
import { MIN, showList, state } from './FlagsList.fixtures';

const PATCH = 'PATCH /api/v1/projects/p1/environments/e-dev/flags/checkout';
const patched = (over = {}) => [200, { ...state(), enabled: false, version: 7, updatedBy: 'user:bob', updatedAt: Date.now(), ...over }] as [number, unknown];

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  notifications.clean();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

async function switchOf(name: string) {
  const sw = await screen.findByRole('switch', { name });
  await waitFor(() => expect(sw).toBeEnabled());
  return sw;
}

describe('the flags list', () => {
  it("reads each environment's flag states with one request each, not the flagd export", async () => {
    const api = showList();
    expect(await switchOf('checkout in development')).toBeChecked();
    expect(api.calls.some((c) => c.path === '/api/v1/projects/p1/environments/e-dev/flags')).toBe(true);
    expect(api.calls.some((c) => c.path.endsWith('/flagd'))).toBe(false);
  });

  it('shows who changed each flag last, and how long ago', async () => {
    showList();
    expect(await screen.findByTestId('last-change')).toHaveTextContent('Ada · 2 min ago');
  });

  it('does not badge a flag stale that was switched on without targeting a moment ago', async () => {
    showList({ states: (env) => [state({ environmentId: env, targeting: null, prerequisites: [], updatedAt: Date.now() - MIN })] });
    await switchOf('checkout in development');
    expect(screen.queryByTestId('stale-badge')).toBeNull();
  });

  it('badges a flag stale that has been on for everyone, unchanged, for the whole window', async () => {
    showList({ states: (env) => [state({ environmentId: env, targeting: null, prerequisites: [], updatedAt: Date.now() - 30 * 86_400_000 })] });
    expect(await screen.findByTestId('stale-badge')).toBeInTheDocument();
  });
});

describe('a switch in the flags list', () => {
  it('turns the flag off in one click with a PATCH of enabled, made on the version shown', async () => {
    const user = userEvent.setup();
    const api = showList({ extra: { [PATCH]: patched() } });
    await user.click(await switchOf('checkout in development'));
    await waitFor(() => expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ enabled: false, version: 6 }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('settles at once on the state the API answered', async () => {
    const user = userEvent.setup();
    showList({ extra: { [PATCH]: patched() } });
    const sw = await switchOf('checkout in development');
    await user.click(sw);
    await waitFor(() => expect(sw).not.toBeChecked());
  });

  it('offers Undo, which flips it back made on the new version', async () => {
    const user = userEvent.setup();
    const api = showList({ extra: { [PATCH]: (body) => patched({ enabled: (body as { enabled: boolean }).enabled, version: (body as { version: number }).version + 1 }) } });
    await user.click(await switchOf('checkout in development'));
    const notice = await screen.findByTestId('undo-notice');
    expect(notice).toHaveTextContent('Turned off checkout in development');
    await user.click(within(notice).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ enabled: false, version: 6 }, { enabled: true, version: 7 }]));
  });

  it('says a stale version was refused, and reads the states again', async () => {
    const user = userEvent.setup();
    const api = showList({ extra: { [PATCH]: [409, { error: { code: 'version_conflict', message: 'the state changed: version 8 now', details: { currentVersion: 8 } } }] } });
    await user.click(await switchOf('checkout in development'));
    expect(await screen.findByText('The state changed: version 8 now', { exact: false })).toBeInTheDocument();
    await waitFor(() => expect(api.calls.filter((c) => c.path === '/api/v1/projects/p1/environments/e-dev/flags')).toHaveLength(2));
  });
});

describe('ramps in the flags list', () => {
  it('marks a flag ramping in the current environment with its share', async () => {
    showList({ extra: { 'GET /api/v1/projects/p1/ramps': [200, { items: [ramp({ environmentId: 'e-dev', step: 1 })] }] } });
    expect(await screen.findByTestId('ramp-badge')).toHaveTextContent('ramping 5 %');
  });

  it('does not mark a flag whose ramp here has completed', async () => {
    const api = showList({ extra: { 'GET /api/v1/projects/p1/ramps': [200, { items: [ramp({ environmentId: 'e-dev', status: 'completed' })] }] } });
    await screen.findByTestId('flag-row-checkout');
    await waitFor(() => expect(api.calls.some((c) => c.path === '/api/v1/projects/p1/ramps')).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('ramp-badge')).toBeNull();
  });
});
