import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getToken, setToken } from '../../api/client';
import { fakeFetch, renderUi } from '../../test/render';
import { TwoFactor } from '../account/TwoFactor';
import SignIn from './SignIn';

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

const session = { token: 't', user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0, twoFactor: true }, organization: null };

/** SignIn against a login that takes `accepted` as the code: past the password, at the code field. */
async function atTheCodeStep(accepted: string) {
  const user = userEvent.setup();
  const api = fakeFetch({
    'POST /api/v1/auth/login': (body) =>
      (body as { code?: string }).code === accepted
        ? [200, session]
        : [401, { error: { code: 'two_factor_required', message: 'the password is right; now the code', details: null } }],
  });
  vi.stubGlobal('fetch', api.fn);
  renderUi(<SignIn />, { route: '/signin' });
  await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
  await user.type(screen.getByLabelText(/^Password/), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return { user, api };
}

describe('SignIn with two-factor sign-in', () => {
  it('asks for the code after a right password and sends it with the password', async () => {
    const { user, api } = await atTheCodeStep('123456');
    const code = await screen.findByLabelText(/^Code from your authenticator app/);
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(code, '123456');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(api.calls).toHaveLength(2));
    expect(api.calls[1].body).toEqual({ email: 'ada@example.com', password: 'correct horse battery', code: '123456' });
  });

  it('signs in with a recovery code', async () => {
    const { user, api } = await atTheCodeStep('k3mz9-x7q2p');
    const code = await screen.findByLabelText(/or a recovery code/);
    expect(code).toHaveAccessibleDescription(expect.stringMatching(/6-digit code.*recovery codes/));
    await user.type(code, ' k3mz9-x7q2p ');
    expect(code).toHaveValue(' k3mz9-x7q2p ');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(api.calls).toHaveLength(2));
    expect(api.calls[1].body).toEqual({ email: 'ada@example.com', password: 'correct horse battery', code: 'k3mz9-x7q2p' });
    expect(getToken()).toBe('t');
  });
});

describe('TwoFactor', () => {
  const me = (twoFactor: boolean) => [200, { user: { ...session.user, twoFactor }, token: null, memberships: [] }] as [number, unknown];

  it('sets up an app and turns two-factor sign-in on with its first code', async () => {
    setToken('t');
    const user = userEvent.setup();
    const api = fakeFetch({
      'GET /api/v1/auth/me': me(false),
      'POST /api/v1/auth/two-factor/setup': [200, { secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/Switchyard:ada%40example.com?secret=JBSWY3DPEHPK3PXP' }],
      'POST /api/v1/auth/two-factor/enable': [200, { recoveryCodes: ['k3mz9-x7q2p'] }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<TwoFactor />);
    await user.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    expect(await screen.findByTestId('two-factor-secret')).toHaveTextContent('JBSWY3DPEHPK3PXP');
    expect(screen.getByRole('link', { name: 'open the setup link' })).toHaveAttribute('href', expect.stringMatching(/^otpauth:\/\/totp\//));
    await user.type(screen.getByLabelText(/^Code from the app/), '12a3456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    await waitFor(() => expect(api.calls.some((c) => c.path === '/api/v1/auth/two-factor/enable')).toBe(true));
    expect(api.calls.find((c) => c.path === '/api/v1/auth/two-factor/enable')!.body).toEqual({ code: '123456' });
  });

  it('turns it off with a code', async () => {
    setToken('t');
    const user = userEvent.setup();
    const api = fakeFetch({ 'GET /api/v1/auth/me': me(true), 'POST /api/v1/auth/two-factor/disable': [204, null] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<TwoFactor />);
    const off = await screen.findByRole('button', { name: 'Turn off' });
    expect(off).toBeDisabled();
    await user.type(screen.getByLabelText(/^Code from the app/), '654321');
    await user.click(off);
    await waitFor(() => expect(api.calls.find((c) => c.path === '/api/v1/auth/two-factor/disable')?.body).toEqual({ code: '654321' }));
  });
});
