import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, Flag, FlagState } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { StateEditor } from '../flag/StateEditor';

const prod: Environment = { id: 'e-prod', orgId: 'o', projectId: 'p', key: 'production', name: 'production', revision: 3, allowedOrigins: [], createdAt: 0, critical: true };
const flag = { projectId: 'p', key: 'checkout-v2', name: 'Checkout', type: 'boolean', variants: [{ name: 'on', value: true }, { name: 'off', value: false }], tags: [], archived: false, version: 1, createdBy: 'user:u', createdAt: 0, updatedBy: 'user:u', updatedAt: 0 } as Flag;
const state: FlagState = { environmentId: 'e-prod', flagKey: 'checkout-v2', enabled: true, defaultVariant: 'off', targeting: null, version: 4, updatedBy: 'user:u', updatedAt: 0 };
const PATH = '/api/v1/projects/p/environments/e-prod/flags/checkout-v2';

function show() {
  const api = fakeFetch({
    [`PUT ${PATH}`]: [200, { ...state, enabled: false, version: 5 }],
    [`GET ${PATH}/evaluations`]: [200, { from: 0, to: 1, events: [], rows: [{ flag: 'checkout-v2', variant: 'on', hour: 0, count: 12_403 }] }],
  });
  vi.stubGlobal('fetch', api.fn);
  renderUi(<StateEditor project="p" env={prod} flag={flag} state={state} segments={[]} canEdit />);
  return api;
}

afterEach(() => vi.unstubAllGlobals());

describe('the state editor in a critical environment', () => {
  it('marks the environment critical', () => {
    show();
    expect(screen.getByTestId('critical-badge')).toHaveTextContent('production is critical');
  });

  it('asks before a save that turns the flag off, naming the blast radius, and saves once confirmed', async () => {
    const user = userEvent.setup();
    const api = show();
    await user.click(screen.getByLabelText('Enabled in production'));
    await user.click(screen.getByRole('button', { name: 'Save production' }));
    const dialog = await screen.findByRole('dialog', { name: 'Turn off checkout-v2 in production?' });
    await waitFor(() => expect(within(dialog).getByTestId('blast-radius')).toHaveTextContent('Turn off checkout-v2 in production: no rules, evaluated ~12,400 times in the last hour.'));
    expect(api.calls.filter((c) => c.method === 'PUT')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Turn off in production' }));
    await waitFor(() => expect(api.calls.find((c) => c.method === 'PUT')?.body).toMatchObject({ enabled: false, version: 4 }));
  });
});
