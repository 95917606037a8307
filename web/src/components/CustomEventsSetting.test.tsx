import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment } from '../api/types';
import { fakeFetch, renderUi } from '../test/render';
import { CustomEventsSetting } from './CustomEventsSetting';

const env: Environment = { id: 'e1', orgId: 'o', projectId: 'p', key: 'production', name: 'production', revision: 3, allowedOrigins: [], createdAt: 0 };
const PATH = '/api/v1/projects/p/environments/e1';

afterEach(() => vi.unstubAllGlobals());

describe('CustomEventsSetting', () => {
  it('is off for an environment that never set it, and turning it on saves customEvents', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [`PATCH ${PATH}`]: [200, { ...env, revision: 4, customEvents: true }] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<CustomEventsSetting project="p" env={env} canManage />);
    const box = screen.getByLabelText('Count custom events in production');
    expect(box).not.toBeChecked();
    await user.click(box);
    await waitFor(() => expect(box).toBeChecked());
    expect(api.calls).toEqual([{ method: 'PATCH', path: PATH, body: { customEvents: true } }]);
  });

  it('a viewer sees the setting but cannot change it', () => {
    renderUi(<CustomEventsSetting project="p" env={{ ...env, customEvents: true }} canManage={false} />);
    const box = screen.getByLabelText('Count custom events in production');
    expect(box).toBeChecked();
    expect(box).toBeDisabled();
  });
});
