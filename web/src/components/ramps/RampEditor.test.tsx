import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, Flag, FlagState } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { ramp } from '../../test/ramp-fixtures';
import { DEV, PROD, request } from '../../test/request-fixtures';
import { RampEditor } from './RampEditor';

const HOUR = 3_600_000;
const flag = {
  projectId: 'p1',
  key: 'checkout',
  name: 'Checkout',
  type: 'boolean',
  variants: [
    { name: 'on', value: true },
    { name: 'off', value: false },
  ],
  version: 1,
} as Flag;
const state = (env: Environment): FlagState => ({ environmentId: env.id, flagKey: 'checkout', enabled: false, defaultVariant: 'off', targeting: null, version: 4, updatedBy: 'user:ada', updatedAt: 0 });
const START = 'POST /api/v1/projects/p1/environments/e-dev/flags/checkout/ramp';

function show(env: Environment, routes: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch(routes);
  vi.stubGlobal('fetch', api.fn);
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/flags/:flag" element={<RampEditor project="p1" env={env} flag={flag} state={state(env)} canEdit />} />
    </Routes>,
    { route: `/orgs/o1/projects/p1/envs/${env.key}/flags/checkout` },
  );
  return api;
}

async function typeInto(user: ReturnType<typeof userEvent.setup>, label: string, text: string) {
  const input = screen.getByRole('textbox', { name: label });
  await user.clear(input);
  await user.type(input, text);
}

afterEach(() => vi.unstubAllGlobals());

describe('planning a ramp', () => {
  it("starts the hourly 1 → 5 → 25 → 50 → 100 % preset on the state's version", async () => {
    const user = userEvent.setup();
    const api = show(DEV, { [START]: [201, ramp()] });
    await user.click(screen.getByRole('button', { name: 'Start ramp' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0].body).toEqual({ variant: 'on', baseline: 'off', steps: [1, 5, 25, 50, 100].map((percent) => ({ percent, holdMs: HOUR })), version: 4 });
  });

  it('fills the steps from another preset', async () => {
    const user = userEvent.setup();
    show(DEV);
    await user.click(screen.getByRole('combobox', { name: 'Steps from a preset' }));
    await user.click(await screen.findByRole('option', { name: '10 → 25 → 50 → 100 %, every 15 minutes' }));
    expect(screen.getAllByTestId('ramp-step')).toHaveLength(4);
    expect(screen.getByRole('textbox', { name: 'Step 1: percent' })).toHaveValue('10 %');
    expect(screen.getByRole('textbox', { name: 'Step 1: hold' })).toHaveValue('15');
    expect(screen.getByTestId('ramp-editor-summary')).toHaveTextContent('10 → 25 → 50 → 100 % of on: 1 h in all');
  });

  it('refuses percentages that do not grow before sending, at the step', async () => {
    const user = userEvent.setup();
    const api = show(DEV);
    await typeInto(user, 'Step 2: percent', '1');
    await user.click(screen.getByRole('button', { name: 'Start ramp' }));
    expect(await screen.findByText('More than the step before (1 %)')).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });

  it('refuses a step without a hold', async () => {
    const user = userEvent.setup();
    const api = show(DEV);
    await user.clear(screen.getByRole('textbox', { name: 'Step 1: hold' }));
    await user.click(screen.getByRole('button', { name: 'Start ramp' }));
    expect(await screen.findByText('At least a second')).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });

  it('refuses ramping a variant to itself', async () => {
    const user = userEvent.setup();
    show(DEV);
    await user.click(screen.getByRole('combobox', { name: 'Everyone else gets' }));
    await user.click(await screen.findByRole('option', { name: 'on' }));
    await user.click(screen.getByRole('button', { name: 'Start ramp' }));
    expect(await screen.findByText('Choose a variant other than the one ramped to')).toBeInTheDocument();
  });

  it("shows the API's problem with a step at that step", async () => {
    const user = userEvent.setup();
    show(DEV, { [START]: [422, { error: { code: 'validation', message: 'invalid ramp', details: [{ path: '/steps/2/holdMs', message: 'must be a second to a year' }] } }] });
    await user.click(screen.getByRole('button', { name: 'Start ramp' }));
    const step = (await screen.findAllByTestId('ramp-step'))[2];
    expect(await within(step).findByText('must be a second to a year')).toBeInTheDocument();
  });

  it('where approval is required, proposes the plan as a ramp change made on the state version instead of starting it', async () => {
    const user = userEvent.setup();
    const api = show(PROD, { 'POST /api/v1/projects/p1/change-requests': [201, request()] });
    await user.click(screen.getByRole('button', { name: 'Propose ramp…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Title')).toHaveValue('Ramp checkout to on in production (1 → 5 → 25 → 50 → 100 %)');
    await user.click(within(dialog).getByRole('button', { name: 'Open change request' }));
    await within(dialog).findByTestId('request-opened');
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/v1/projects/p1/change-requests']);
    expect(api.calls[0].body).toMatchObject({
      changes: [{ kind: 'ramp', environmentId: 'e-prod', flag: 'checkout', baseVersion: 4, variant: 'on', baseline: 'off', steps: [1, 5, 25, 50, 100].map((percent) => ({ percent, holdMs: HOUR })) }],
    });
  });

  it('offers to propose a start the API refused for approval', async () => {
    const user = userEvent.setup();
    show(DEV, { [START]: [403, { error: { code: 'approval_required', message: 'environment development requires approval', details: { environments: ['development'] } } }] });
    await user.click(screen.getByRole('button', { name: 'Start ramp' }));
    const alert = await screen.findByTestId('approval-required');
    await user.click(within(alert).getByRole('button', { name: 'Propose this change…' }));
    expect(within(await screen.findByRole('dialog')).getByLabelText('Title')).toHaveValue('Ramp checkout to on in development (1 → 5 → 25 → 50 → 100 %)');
  });
});
