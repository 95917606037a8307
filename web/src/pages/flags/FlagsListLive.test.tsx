import { notifications } from '@mantine/notifications';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlagStateView } from '../../api/flags';
import { forgetOwnWrites } from '../../live/own';
import { feedServer, showList, state } from './FlagsList.fixtures';

const change = (over: Record<string, unknown> = {}) => ({
  id: '00000000000000000005',
  projectId: 'p1',
  environmentId: 'e-dev',
  actor: 'user:ada',
  actorName: 'Ada',
  action: 'flag_state.update',
  target: 'flag:checkout',
  keys: ['checkout'],
  revisions: { 'e-dev': 10 },
  at: Date.now(),
  ...over,
});

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  notifications.clean();
  forgetOwnWrites();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

async function live(extra = {}) {
  const feed = feedServer();
  let dev: FlagStateView[] = [state()];
  const api = showList({ feed, states: () => dev, extra });
  const sw = await screen.findByRole('switch', { name: 'checkout in development' });
  await waitFor(() => expect(sw).toBeChecked());
  await waitFor(() => expect(screen.getByTestId('live-badge')).toHaveTextContent('Live'));
  return { feed, sw, api, set: (s: FlagStateView[]) => (dev = s) };
}

describe('the flags list, live', () => {
  it("follows someone else's change without a reload, and says who made it", async () => {
    const { feed, sw, set } = await live();
    set([state({ enabled: false, version: 7, updatedAt: Date.now() })]);
    feed.send(change());
    await waitFor(() => expect(sw).not.toBeChecked());
    expect(await screen.findByTestId('live-changes')).toHaveTextContent('Ada turned off checkout in development · just now');
    expect(screen.getByTestId('last-change')).toHaveTextContent('Ada · just now');
  });

  it('does not announce the echo of its own switch', async () => {
    const PATCH = 'PATCH /api/v1/projects/p1/environments/e-dev/flags/checkout';
    const { feed, sw } = await live({ [PATCH]: [200, { ...state(), enabled: false, version: 7, updatedBy: 'user:bob' }] });
    await userEvent.setup().click(sw);
    await waitFor(() => expect(sw).not.toBeChecked());
    feed.send(change({ actor: 'user:bob', actorName: 'Bob' }));
    await new Promise((r) => setTimeout(r, 100));
    expect(screen.queryByTestId('live-changes')).toBeNull();
  });

  it('ignores changes of other projects', async () => {
    const { feed } = await live();
    feed.send(change({ projectId: 'p2' }));
    await new Promise((r) => setTimeout(r, 100));
    expect(screen.queryByTestId('live-changes')).toBeNull();
  });
});
