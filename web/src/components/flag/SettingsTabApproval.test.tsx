import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Flag } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { PROD, request } from '../../test/request-fixtures';
import { SettingsTab } from './SettingsTab';

const flag = { projectId: 'p1', key: 'checkout', name: 'Checkout', description: '', type: 'boolean', variants: [], tags: [], archived: false, version: 4 } as unknown as Flag;
const refusal = { error: { code: 'approval_required', message: 'environment production requires approval: propose this change as a change request', details: { environments: ['production'] } } };

afterEach(() => vi.unstubAllGlobals());

describe('archiving a flag of a project with a protected environment', () => {
  it('is refused with an offer to propose the archive, made on the flag version', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      'GET /api/v1/projects/p1/environments/e-prod/flags': [200, []],
      'PATCH /api/v1/projects/p1/flags/checkout': [403, refusal],
      'POST /api/v1/projects/p1/change-requests': [201, request({ title: 'Archive checkout' })],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<SettingsTab project="p1" flag={flag} environments={[PROD]} canEdit listPath="/flags" />);
    await user.click(screen.getByRole('button', { name: 'Archive' }));
    const confirm = await screen.findByRole('dialog', { name: 'Archive checkout?' });
    await user.type(within(confirm).getByLabelText('Type checkout to confirm'), 'checkout');
    await user.click(within(confirm).getByRole('button', { name: 'Archive flag' }));
    const alert = await screen.findByTestId('approval-required');
    expect(alert).toHaveTextContent('Nothing was changed.');
    await user.click(within(alert).getByRole('button', { name: 'Propose this change…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Title')).toHaveValue('Archive checkout');
    await user.click(within(dialog).getByRole('button', { name: 'Open change request' }));
    await waitFor(() =>
      expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ changes: [{ kind: 'flag', flag: 'checkout', baseVersion: 4, archived: true }] }),
    );
  });
});
