import { notifications } from '@mantine/notifications';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEV } from '../../test/request-fixtures';
import { PROD_OPEN, showList, state } from './FlagsList.fixtures';

const PATCH = 'PATCH /api/v1/projects/p1/environments/e-prod/flags/checkout';

function show(prod = PROD_OPEN) {
  return showList({
    envs: [DEV, prod],
    evaluations: 12_403,
    extra: { [PATCH]: [200, { ...state({ environmentId: 'e-prod' }), enabled: false, version: 7 }] },
  });
}

async function clickProd() {
  const user = userEvent.setup();
  const sw = await screen.findByRole('switch', { name: 'checkout in production' });
  await waitFor(() => expect(sw).toBeEnabled());
  await user.click(sw);
  return user;
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  notifications.clean();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('a switch in a critical environment', () => {
  it('asks first, naming the rules and the evaluations in the last hour', async () => {
    const api = show();
    await clickProd();
    const dialog = await screen.findByRole('dialog', { name: 'Turn off checkout in production?' });
    await waitFor(() => expect(within(dialog).getByTestId('blast-radius')).toHaveTextContent('Turn off checkout in production: 1 rule, evaluated ~12,400 times in the last hour.'));
    expect(api.calls.filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('flips once confirmed', async () => {
    const api = show();
    const user = await clickProd();
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Turn off in production' }));
    await waitFor(() => expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ enabled: false, version: 6 }));
  });

  it('changes nothing when cancelled', async () => {
    const api = show();
    const user = await clickProd();
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.calls.filter((c) => c.method === 'PATCH')).toEqual([]);
    expect(screen.getByRole('switch', { name: 'checkout in production' })).toBeChecked();
  });

  it('is marked critical in the header and its switch in the warning colour', async () => {
    show();
    expect(await screen.findByTestId('critical-badge')).toHaveTextContent('critical');
    expect(await screen.findByRole('switch', { name: 'checkout in production' })).toHaveAttribute('data-critical', 'true');
    expect(screen.getByRole('switch', { name: 'checkout in development' })).not.toHaveAttribute('data-critical');
  });

  it('is not asked about where the environment says it is not critical', async () => {
    const api = show({ ...PROD_OPEN, critical: false } as typeof PROD_OPEN);
    await clickProd();
    await waitFor(() => expect(api.calls.find((c) => c.method === 'PATCH')).toBeDefined());
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
