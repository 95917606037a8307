import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getToken, setToken } from '../../api/client';
import { fakeFetch, renderUi } from '../../test/render';
import Password from './Password';

const ME = [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [] }] as [number, unknown];

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

async function fill(current: string, next: string, repeat = next) {
  const user = userEvent.setup();
  const put = async (label: RegExp, text: string) => {
    await user.click(screen.getByLabelText(label));
    await user.paste(text);
  };
  if (current) await put(/^Current password/, current);
  if (next) await put(/^New password/, next);
  if (repeat) await put(/^Repeat the new password/, repeat);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('Password page', () => {
  it('checks the form before sending anything', async () => {
    const api = fakeFetch({ 'GET /api/v1/auth/me': ME });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<Password />);
    await fill('', 'short', 'other');
    expect(screen.getByText('Enter your current password')).toBeInTheDocument();
    expect(screen.getByText('Use at least 10 characters')).toBeInTheDocument();
    expect(screen.getByText('The two new passwords differ')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('changes the password and keeps this session with the new token', async () => {
    setToken('old-token');
    const api = fakeFetch({
      'GET /api/v1/auth/me': ME,
      'POST /api/v1/auth/password': [200, { token: 'new-token', user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 } }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<Password />);
    await fill('correct horse battery', 'a brand new passphrase');
    expect(await screen.findByTestId('password-changed')).toHaveTextContent('every other session');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' });
    expect(getToken()).toBe('new-token');
  });

  it('a wrong current password is said at its field and does not end the session', async () => {
    setToken('old-token');
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/auth/me': ME,
        'POST /api/v1/auth/password': [401, { error: { code: 'unauthorized', message: 'the current password is wrong' } }],
      }).fn,
    );
    renderUi(<Password />);
    await fill('not my password', 'a brand new passphrase');
    await waitFor(() => expect(screen.getByLabelText(/^Current password/)).toHaveAccessibleDescription('This is not your current password'));
    expect(getToken()).toBe('old-token');
  });
});
