import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, Flag, FlagState } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { StateEditor } from './StateEditor';

const env: Environment = { id: 'e1', orgId: 'o', projectId: 'p', key: 'development', name: 'development', revision: 3, allowedOrigins: [], createdAt: 0 };
const boolFlag = (key: string): Flag => ({
  projectId: 'p',
  key,
  name: key,
  description: '',
  type: 'boolean',
  variants: [
    { name: 'on', value: true },
    { name: 'off', value: false },
  ],
  tags: [],
  archived: false,
  version: 1,
  createdBy: 'user:u',
  createdAt: 0,
  updatedBy: 'user:u',
  updatedAt: 0,
});
const checkout = boolFlag('checkout');
const FLAGS = [checkout, boolFlag('beta'), boolFlag('region')];
const state: FlagState = { environmentId: 'e1', flagKey: 'checkout', enabled: true, defaultVariant: 'off', targeting: null, version: 4, updatedBy: 'user:u', updatedAt: 0 };
const PUT = 'PUT /api/v1/projects/p/environments/e1/flags/checkout';
const refused = (path: string, message: string) => [422, { error: { code: 'validation', message: 'invalid prerequisites', details: [{ path, message }] } }] as [number, unknown];

function show(s: FlagState = state, routes: Parameters<typeof fakeFetch>[0] = {}) {
  const api = fakeFetch(routes);
  vi.stubGlobal('fetch', api.fn);
  renderUi(<StateEditor project="p" env={env} flag={checkout} state={s} segments={[]} flags={FLAGS} canEdit />);
  return api;
}

async function addPrerequisite(user: ReturnType<typeof userEvent.setup>, flag: string, variant: string) {
  await user.click(screen.getByRole('button', { name: 'Add prerequisite' }));
  const n = screen.getAllByTestId('prerequisite-row').length;
  await user.click(screen.getByRole('combobox', { name: `Prerequisite ${n}: flag` }));
  await user.click(await screen.findByRole('option', { name: flag }));
  await user.click(screen.getAllByLabelText(`Prerequisite ${n}: variants`).find((el) => el.tagName === 'INPUT')!);
  await user.click(await screen.findByRole('option', { name: variant }));
}

afterEach(() => vi.unstubAllGlobals());

describe('prerequisites in the state editor', () => {
  it('says in words what the stored prerequisites do', () => {
    show({ ...state, prerequisites: [{ flag: 'beta', variants: ['on'] }] });
    expect(screen.getByTestId('prerequisites-text')).toHaveTextContent('Serves its rules only when beta is on; otherwise its default variant off.');
  });

  it('offers the other flags of the project, not the flag itself', async () => {
    const user = userEvent.setup();
    show();
    await user.click(screen.getByRole('button', { name: 'Add prerequisite' }));
    await user.click(screen.getByRole('combobox', { name: 'Prerequisite 1: flag' }));
    const options = (await screen.findAllByRole('option')).map((o) => o.textContent);
    expect(options).toEqual(['beta', 'region']);
  });

  it('saves the prerequisites picked, with the rest of the state', async () => {
    const user = userEvent.setup();
    const api = show(state, { [PUT]: [200, { ...state, prerequisites: [{ flag: 'beta', variants: ['on'] }], version: 5 }] });
    await addPrerequisite(user, 'beta', 'on');
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0].body).toEqual({ enabled: true, defaultVariant: 'off', targeting: null, prerequisites: [{ flag: 'beta', variants: ['on'] }], version: 4 });
  });

  it('keeps the stored prerequisites when something else is saved', async () => {
    const user = userEvent.setup();
    const prerequisites = [{ flag: 'beta', variants: ['on'] }];
    const api = show({ ...state, prerequisites }, { [PUT]: [200, { ...state, prerequisites, enabled: false, version: 5 }] });
    await user.click(screen.getByLabelText('Enabled in development'));
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0].body).toMatchObject({ enabled: false, prerequisites });
  });

  it('removing the last prerequisite saves an empty list', async () => {
    const user = userEvent.setup();
    const api = show({ ...state, prerequisites: [{ flag: 'beta', variants: ['on'] }] }, { [PUT]: [200, { ...state, version: 5 }] });
    await user.click(screen.getByRole('button', { name: 'Remove prerequisite 1' }));
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0].body).toMatchObject({ prerequisites: [] });
  });

  it('does not send a prerequisite without a variant, and says so at the field', async () => {
    const user = userEvent.setup();
    const api = show();
    await user.click(screen.getByRole('button', { name: 'Add prerequisite' }));
    await user.click(screen.getByRole('combobox', { name: 'Prerequisite 1: flag' }));
    await user.click(await screen.findByRole('option', { name: 'beta' }));
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    expect(await screen.findByText('Choose at least one variant')).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });

  it("shows the API's problem with a prerequisite's flag next to that field", async () => {
    const user = userEvent.setup();
    show(state, { [PUT]: refused('/prerequisites/0/flag', 'flag beta is archived') });
    await addPrerequisite(user, 'beta', 'on');
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    const row = screen.getByTestId('prerequisite-row');
    expect(await within(row).findByText('flag beta is archived')).toBeInTheDocument();
  });

  it('shows a cycle the API found under the list, naming it', async () => {
    const user = userEvent.setup();
    show(state, { [PUT]: refused('/prerequisites', 'a cycle: checkout → beta → checkout') });
    await addPrerequisite(user, 'beta', 'on');
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    expect(await screen.findByTestId('prerequisites-problem')).toHaveTextContent('A cycle: checkout → beta → checkout.');
  });

  it('a viewer sees them but cannot add or remove any', () => {
    vi.stubGlobal('fetch', fakeFetch({}).fn);
    renderUi(<StateEditor project="p" env={env} flag={checkout} state={{ ...state, prerequisites: [{ flag: 'beta', variants: ['on'] }] }} segments={[]} flags={FLAGS} canEdit={false} />);
    expect(screen.queryByRole('button', { name: 'Add prerequisite' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove prerequisite 1' })).toBeNull();
    expect(screen.getByRole('combobox', { name: 'Prerequisite 1: flag' })).toBeDisabled();
  });
});
