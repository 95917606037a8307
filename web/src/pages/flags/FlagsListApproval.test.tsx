import { notifications } from '@mantine/notifications';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEV, PROD, request } from '../../test/request-fixtures';
import { prerequisites, showList, state } from './FlagsList.fixtures';

function show() {
  return showList({
    envs: [DEV, PROD],
    envKey: 'production',
    states: (env) => [state({ environmentId: env, enabled: false, targeting: null })],
    extra: { 'POST /api/v1/projects/p1/change-requests': [201, request()] },
  });
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  notifications.clean();
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
    expect(api.calls.filter((c) => c.method === 'PATCH' || c.method === 'PUT')).toEqual([]);
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      changes: [{ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 6, enabled: true, defaultVariant: 'off', targeting: null, prerequisites }],
    });
  });
});
