import { notifications, Notifications } from '@mantine/notifications';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, Flag } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV } from '../../test/request-fixtures';
import { ArchiveFlag } from './ArchiveFlag';

const PROD: Environment = { ...DEV, id: 'e-prod', key: 'production', name: 'production' };
const flag = { projectId: 'p1', key: 'checkout-v2', name: 'Checkout v2', type: 'boolean', variants: [], tags: [], archived: false, version: 4, createdAt: 0, createdBy: 'user:ada', updatedAt: 0, updatedBy: 'user:ada' } as Flag;
const rules = { if: [{ '==': [{ var: 'a' }, 1] }, 'on', { '==': [{ var: 'b' }, 2] }, 'on', { '==': [{ var: 'c' }, 3] }, 'on', 'off'] };
const st = (env: string, enabled: boolean) => ({ environmentId: env, flagKey: 'checkout-v2', enabled, defaultVariant: 'off', targeting: rules, version: 2, updatedBy: 'user:ada', updatedAt: 1 });
const evals = (count: number) => [200, { from: 0, to: 1, events: [], rows: [{ flag: 'checkout-v2', variant: 'on', hour: 0, count }] }] as [number, unknown];

function show() {
  const api = fakeFetch({
    'GET /api/v1/projects/p1/environments/e-dev/flags': [200, [st('e-dev', false)]],
    'GET /api/v1/projects/p1/environments/e-prod/flags': [200, [st('e-prod', true)]],
    'GET /api/v1/projects/p1/environments/e-dev/flags/checkout-v2/evaluations': evals(400),
    'GET /api/v1/projects/p1/environments/e-prod/flags/checkout-v2/evaluations': evals(12_000),
    'PATCH /api/v1/projects/p1/flags/checkout-v2': (body) => [200, { ...flag, ...(body as object), version: (body as { version: number }).version + 1 }],
  });
  vi.stubGlobal('fetch', api.fn);
  const onChanged = vi.fn();
  renderUi(
    <>
      <Notifications />
      <ArchiveFlag project="p1" flag={flag} environments={[DEV, PROD]} onChanged={onChanged} />
    </>,
  );
  return { api, onChanged };
}

afterEach(() => {
  notifications.clean();
  vi.unstubAllGlobals();
});

describe('archiving a flag', () => {
  it('names the blast radius: where it is on, its rules, its evaluations, and FLAG_NOT_FOUND', async () => {
    const user = userEvent.setup();
    show();
    await user.click(screen.getByRole('button', { name: 'Archive' }));
    const radius = within(await screen.findByRole('dialog', { name: 'Archive checkout-v2?' })).getByTestId('blast-radius');
    await waitFor(() => expect(radius).toHaveTextContent('On in production (1 of 2 environments), with 3 rules'));
    await waitFor(() => expect(radius).toHaveTextContent('Evaluated ~12,400 times in the last hour, across its environments'));
    expect(radius).toHaveTextContent('Every SDK gets FLAG_NOT_FOUND for checkout-v2 at once, in every environment');
  });

  it('asks for the flag key before it archives', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const { api } = show();
    await user.click(screen.getByRole('button', { name: 'Archive' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('button', { name: 'Archive flag' })).toBeDisabled();
    await user.type(within(dialog).getByLabelText('Type checkout-v2 to confirm'), 'checkout-v2');
    await user.click(within(dialog).getByRole('button', { name: 'Archive flag' }));
    await waitFor(() => expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ archived: true, version: 4 }));
  });

  it('offers Undo, which unarchives it made on the new version', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const { api, onChanged } = show();
    await user.click(screen.getByRole('button', { name: 'Archive' }));
    await user.type(await screen.findByLabelText('Type checkout-v2 to confirm'), 'checkout-v2{Enter}');
    const notice = await screen.findByTestId('undo-notice');
    expect(notice).toHaveTextContent('Archived checkout-v2');
    await user.click(within(notice).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ archived: true, version: 4 }, { archived: false, version: 5 }]));
    await waitFor(() => expect(onChanged).toHaveBeenLastCalledWith(expect.objectContaining({ archived: false, version: 6 })));
  });
});
