import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, Flag, FlagState } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { StateEditor } from './StateEditor';

const env: Environment = { id: 'e1', orgId: 'o', projectId: 'p', key: 'development', name: 'development', revision: 3, allowedOrigins: [], createdAt: 0 };
const flag: Flag = {
  projectId: 'p',
  key: 'beta',
  name: 'Beta',
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
};
const state: FlagState = { environmentId: 'e1', flagKey: 'beta', enabled: false, defaultVariant: 'off', targeting: null, version: 4, updatedBy: 'user:u', updatedAt: 0 };
const PATH = '/api/v1/projects/p/environments/e1/flags/beta';

afterEach(() => vi.unstubAllGlobals());

describe('StateEditor', () => {
  it('sends the version it started from, and shows a refused stale save with the current version', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      [`PUT ${PATH}`]: [409, { error: { code: 'conflict', message: 'the state of flag beta was changed by someone else; reload and try again', details: { currentVersion: 5 } } }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<StateEditor project="p" env={env} flag={flag} state={state} segments={[]} canEdit />);
    await user.click(screen.getByLabelText('Enabled in development'));
    await user.click(screen.getByRole('button', { name: 'Save development' }));
    await waitFor(() => expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('The current version is 5.'))).toBe(true));
    expect(api.calls).toEqual([{ method: 'PUT', path: PATH, body: { enabled: true, defaultVariant: 'off', targeting: null, prerequisites: [], version: 4 } }]);
    expect(screen.getByRole('button', { name: /Load the current version/ })).toBeInTheDocument();
  });

  it('an untouched editor follows the server; a touched one warns instead of overwriting', async () => {
    const user = userEvent.setup();
    const { rerender } = renderUi(<StateEditor project="p" env={env} flag={flag} state={state} segments={[]} canEdit />);
    rerender(<StateEditor project="p" env={env} flag={flag} state={{ ...state, enabled: true, version: 5 }} segments={[]} canEdit />);
    await waitFor(() => expect(screen.getByLabelText('Enabled in development')).toBeChecked());
    expect(screen.getByTestId('state-version')).toHaveTextContent('version 5');
    await user.click(screen.getByLabelText('Enabled in development'));
    rerender(<StateEditor project="p" env={env} flag={flag} state={{ ...state, enabled: true, version: 6 }} segments={[]} canEdit />);
    expect(await screen.findByTestId('stale-warning')).toHaveTextContent('now version 6, you started from version 5');
    expect(screen.getByLabelText('Enabled in development')).not.toBeChecked();
  });

  it('a viewer sees the state but cannot change or save it', () => {
    renderUi(<StateEditor project="p" env={env} flag={flag} state={state} segments={[]} canEdit={false} />);
    expect(screen.getByLabelText('Enabled in development')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save development' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Add rule' })).toBeDisabled();
  });
});
