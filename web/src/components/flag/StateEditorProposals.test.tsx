import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, Flag, FlagState } from '../../api/types';
import { pickDateTime } from '../../test/dates';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV, PROD, request } from '../../test/request-fixtures';
import { StateEditor } from './StateEditor';

const flag: Flag = {
  projectId: 'p1',
  key: 'checkout',
  name: 'Checkout',
  description: '',
  type: 'boolean',
  variants: [
    { name: 'on', value: true },
    { name: 'off', value: false },
  ],
  tags: [],
  archived: false,
  version: 1,
  createdBy: 'user:ada',
  createdAt: 0,
  updatedBy: 'user:ada',
  updatedAt: 0,
};
const state = (env: Environment): FlagState => ({ environmentId: env.id, flagKey: 'checkout', enabled: false, defaultVariant: 'off', targeting: null, version: 3, updatedBy: 'user:ada', updatedAt: 0 });
const REQUESTS = 'POST /api/v1/projects/p1/change-requests';

function show(env: Environment) {
  return renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/flags/:flag" element={<StateEditor project="p1" env={env} flag={flag} state={state(env)} segments={[]} canEdit />} />
    </Routes>,
    { route: `/orgs/o1/projects/p1/envs/${env.key}/flags/checkout` },
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('StateEditor where approval is required', () => {
  it('shows how many approvals the environment requires', () => {
    show(PROD);
    expect(screen.getByTestId('approval-badge')).toHaveTextContent('Requires 1 approval');
  });

  it('proposes instead of saving: the request carries the version edited, and links to it', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [REQUESTS]: [201, request()] });
    vi.stubGlobal('fetch', api.fn);
    show(PROD);
    expect(screen.queryByRole('button', { name: 'Save production' })).toBeNull();
    await user.click(screen.getByLabelText('Enabled in production'));
    await user.click(screen.getByRole('button', { name: 'Propose change…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Title')).toHaveValue('Turn on checkout in production');
    await user.click(within(dialog).getByRole('button', { name: 'Open change request' }));
    const link = await within(dialog).findByRole('link', { name: 'Open the change request' });
    expect(link).toHaveAttribute('href', '/orgs/o1/projects/p1/envs/production/requests/r1');
    expect(api.calls).toEqual([
      {
        method: 'POST',
        path: '/api/v1/projects/p1/change-requests',
        body: {
          title: 'Turn on checkout in production',
          description: '',
          scheduledAt: null,
          changes: [{ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 3, enabled: true, defaultVariant: 'off', targeting: null, prerequisites: [] }],
        },
      },
    ]);
  });

  it('offers to propose a save that the API refused for approval', async () => {
    const user = userEvent.setup();
    const refusal = { error: { code: 'approval_required', message: 'environment development requires approval: propose this change as a change request', details: { environments: ['development'] } } };
    vi.stubGlobal('fetch', fakeFetch({ 'PUT /api/v1/projects/p1/environments/e-dev/flags/checkout': [403, refusal] }).fn);
    show(DEV);
    await user.click(screen.getByLabelText('Enabled in development'));
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    const alert = await screen.findByTestId('approval-required');
    expect(alert).toHaveTextContent('Environment development requires approval');
    await user.click(within(alert).getByRole('button', { name: 'Propose this change…' }));
    expect(within(await screen.findByRole('dialog')).getByLabelText('Title')).toHaveValue('Turn on checkout in development');
  });
});

describe('StateEditor scheduling where no approval is required', () => {
  it('a schedule needs a time before anything is sent', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({});
    vi.stubGlobal('fetch', api.fn);
    show(DEV);
    await user.click(screen.getByLabelText('Enabled in development'));
    await user.click(screen.getByRole('button', { name: 'Schedule…' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    expect(await within(dialog).findByText('Choose when it applies')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('sends the chosen time with the change', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [REQUESTS]: [201, request({ status: 'approved', policy: null, protectedEnvironments: [], scheduledAt: 1 })] });
    vi.stubGlobal('fetch', api.fn);
    show(DEV);
    await user.click(screen.getByLabelText('Enabled in development'));
    await user.click(screen.getByRole('button', { name: 'Schedule…' }));
    const when = await pickDateTime(user, /^Apply at/);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Schedule' }));
    await screen.findByTestId('request-opened');
    expect(api.calls[0].body).toMatchObject({ title: 'Turn on checkout in development', scheduledAt: when });
  });
});
