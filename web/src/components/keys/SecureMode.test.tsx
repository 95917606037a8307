import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { SecureMode } from './SecureMode';

const env = (secureMode: boolean): Environment => ({ id: 'e1', orgId: 'o', projectId: 'p', key: 'production', name: 'production', revision: 3, allowedOrigins: [], createdAt: 0, secureMode });
const ENV = '/api/v1/projects/p/environments/e1';

afterEach(() => vi.unstubAllGlobals());

describe('SecureMode', () => {
  it('shows admins the secret with a copy button and how to compute the hash', async () => {
    const api = fakeFetch({ [`GET ${ENV}/secure-mode`]: [200, { enabled: true, secret: 'sy_secure_abc' }] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<SecureMode project="p" env={env(true)} canManage />);
    const box = await screen.findByTestId('secure-mode-secret');
    expect(box).toHaveTextContent('sy_secure_abc');
    expect(box).toHaveTextContent("createHmac('sha256', 'sy_secure_abc')");
    expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
  });

  it('turning it on patches the environment; viewers cannot and never ask for the secret', async () => {
    const api = fakeFetch({ [`PATCH ${ENV}`]: [200, env(true)] });
    vi.stubGlobal('fetch', api.fn);
    const { unmount } = renderUi(<SecureMode project="p" env={env(false)} canManage />);
    await userEvent.setup().click(screen.getByRole('switch', { name: /^Secure mode/ }));
    await waitFor(() => expect(api.calls).toContainEqual({ method: 'PATCH', path: ENV, body: { secureMode: true } }));
    unmount();
    api.calls.length = 0;
    renderUi(<SecureMode project="p" env={env(true)} canManage={false} />);
    expect(screen.getByRole('switch', { name: /^Secure mode/ })).toBeDisabled();
    expect(api.calls.filter((c) => c.path.endsWith('/secure-mode'))).toEqual([]);
  });
});
