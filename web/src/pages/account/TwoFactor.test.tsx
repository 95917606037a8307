import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getToken, setToken } from '../../api/client';
import { fakeFetch, renderUi } from '../../test/render';
import { TwoFactor } from './TwoFactor';

const CODES = ['k3mz9-x7q2p', 'a8d2k-m4n7r', 'p2q9x-z7w3e', 'h6j3k-l9m2n', 'r5t8y-u2i4o', 'c3v6b-n9m1q', 'w4e7r-t1y5u', 'g8h2j-k5l7z', 'x1c4v-b7n2m', 's9d3f-g6h8j'];
const NEW_CODES = ['n3w1a-b2c3d', 'n3w2e-f4g5h'];

const me = (twoFactor: boolean, recoveryCodesLeft = 10) =>
  [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0, twoFactor, recoveryCodesLeft }, token: null, memberships: [] }] as [
    number,
    unknown,
  ];

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

function show(routes: Parameters<typeof fakeFetch>[0]) {
  setToken('t');
  const api = fakeFetch(routes);
  vi.stubGlobal('fetch', api.fn);
  renderUi(<TwoFactor />);
  return api;
}

const posts = (api: ReturnType<typeof fakeFetch>, path: string) => api.calls.filter((c) => c.method === 'POST' && c.path === path);

describe('TwoFactor recovery codes', () => {
  it('shows the recovery codes once after turning two-factor on', async () => {
    const user = userEvent.setup();
    let on = false;
    show({
      'GET /api/v1/auth/me': () => me(on),
      'POST /api/v1/auth/two-factor/setup': [200, { secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/Switchyard:ada?secret=JBSWY3DPEHPK3PXP' }],
      'POST /api/v1/auth/two-factor/enable': () => {
        on = true;
        return [200, { recoveryCodes: CODES }];
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    await user.type(await screen.findByLabelText(/^Code from the app/), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const once = await screen.findByTestId('recovery-codes-once');
    expect(within(once).getAllByRole('listitem').map((li) => li.textContent)).toEqual(CODES);
    expect(once).toHaveTextContent('Each works once; keep them somewhere safe');
    await user.click(within(once).getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe(CODES.join('\n'));
    await user.click(within(once).getByRole('button', { name: 'I saved them' }));
    expect(screen.queryByTestId('recovery-codes-once')).toBeNull();
    expect(screen.queryByText(CODES[0])).toBeNull();
    expect(await screen.findByTestId('recovery-codes-left')).toHaveTextContent('10 recovery codes left');
  });

  it('says how many recovery codes are left and warns when few are', async () => {
    show({ 'GET /api/v1/auth/me': me(true, 1) });
    expect(await screen.findByTestId('recovery-codes-left')).toHaveTextContent('1 recovery code left: make a new set');
  });

  it('asks for a code before showing new recovery codes', async () => {
    const user = userEvent.setup();
    const api = show({ 'GET /api/v1/auth/me': me(true, 3), 'POST /api/v1/auth/two-factor/recovery-codes': [200, { recoveryCodes: NEW_CODES }] });
    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }));
    expect(posts(api, '/api/v1/auth/two-factor/recovery-codes')).toEqual([]);
    const show_ = screen.getByRole('button', { name: 'Show new codes' });
    expect(show_).toBeDisabled();
    await user.type(screen.getByLabelText(/^Code from the app or a recovery code/), 'k3mz9-x7q2p');
    await user.click(show_);
    const once = await screen.findByTestId('recovery-codes-once');
    expect(within(once).getAllByRole('listitem').map((li) => li.textContent)).toEqual(NEW_CODES);
    expect(posts(api, '/api/v1/auth/two-factor/recovery-codes').map((c) => c.body)).toEqual([{ code: 'k3mz9-x7q2p' }]);
  });

  it('a code that does not match shows no new recovery codes and keeps the session', async () => {
    const user = userEvent.setup();
    show({
      'GET /api/v1/auth/me': me(true),
      'POST /api/v1/auth/two-factor/recovery-codes': [401, { error: { code: 'unauthorized', message: 'the code does not match', details: null } }],
    });
    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }));
    await user.type(screen.getByLabelText(/^Code from the app or a recovery code/), '000000');
    await user.click(screen.getByRole('button', { name: 'Show new codes' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The code does not match');
    expect(screen.queryByTestId('recovery-codes-once')).toBeNull();
    expect(getToken()).toBe('t');
  });

  it('cancelling a new set sends nothing and brings back turning it off', async () => {
    const user = userEvent.setup();
    const api = show({ 'GET /api/v1/auth/me': me(true) });
    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Turn off' })).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });
});

describe('TwoFactor turning off', () => {
  it('turns it off with a recovery code', async () => {
    const user = userEvent.setup();
    const api = show({ 'GET /api/v1/auth/me': me(true), 'POST /api/v1/auth/two-factor/disable': [204, null] });
    const off = await screen.findByRole('button', { name: 'Turn off' });
    const input = screen.getByLabelText(/^Code from the app or a recovery code/);
    await user.type(input, 'k3mz9-x7q2p');
    expect(input).toHaveValue('k3mz9-x7q2p');
    await user.click(off);
    await waitFor(() => expect(posts(api, '/api/v1/auth/two-factor/disable').map((c) => c.body)).toEqual([{ code: 'k3mz9-x7q2p' }]));
  });

  it('says which organization keeps two-factor sign-in on when turning it off is refused', async () => {
    const user = userEvent.setup();
    show({
      'GET /api/v1/auth/me': me(true),
      'POST /api/v1/auth/two-factor/disable': [
        409,
        { error: { code: 'conflict', message: 'Acme requires two-factor sign-in of its owners and admins', details: { organization: 'o1' } } },
      ],
    });
    await user.type(await screen.findByLabelText(/^Code from the app or a recovery code/), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn off' }));
    const alert = await screen.findByTestId('two-factor-kept');
    expect(alert).toHaveTextContent('Acme requires two-factor sign-in of its owners and admins.');
    expect(alert).not.toHaveTextContent('Changed by someone else');
    expect(within(alert).getByRole('link', { name: "organization's settings" })).toHaveAttribute('href', '/orgs/o1/settings');
  });
});
