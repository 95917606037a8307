import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import ForgotPassword from './ForgotPassword';
import ResetPassword, { tokenFrom } from './ResetPassword';

afterEach(() => vi.unstubAllGlobals());

describe('ForgotPassword', () => {
  it('asks for a link and says the same whether or not the account exists', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ 'POST /api/v1/auth/password-reset': [202, null] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ForgotPassword />, { route: '/forgot-password' });
    await user.type(screen.getByLabelText(/^Email/), ' ada@example.com ');
    await user.click(screen.getByRole('button', { name: 'Mail me a link' }));
    expect(await screen.findByTestId('reset-sent')).toHaveTextContent('If an account has this email');
    expect(api.calls[0].body).toEqual({ email: 'ada@example.com' });
  });

  it("shows the server's reason when it sends no mail", async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      'POST /api/v1/auth/password-reset': [501, { error: { code: 'not_configured', message: 'this server sends no mail', details: null } }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ForgotPassword />, { route: '/forgot-password' });
    await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Mail me a link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/sends no mail/i);
  });
});

describe('ResetPassword', () => {
  it('reads the token from the fragment only', () => {
    expect(tokenFrom('#token=sy_reset_abc')).toBe('sy_reset_abc');
    expect(tokenFrom('')).toBeNull();
  });

  it('sets the new password with the token of the link', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ 'POST /api/v1/auth/password-reset/confirm': [204, null] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ResetPassword />, { route: '/reset-password#token=sy_reset_abc' });
    await user.type(screen.getByLabelText(/^New password/), 'a long new password');
    await user.type(screen.getByLabelText(/^The same again/), 'a long new password');
    await user.click(screen.getByRole('button', { name: 'Set the password' }));
    expect(await screen.findByTestId('reset-done')).toHaveTextContent('Every session of your account has ended');
    expect(api.calls[0].body).toEqual({ token: 'sy_reset_abc', password: 'a long new password' });
  });

  it('checks the two passwords agree before sending', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({});
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ResetPassword />, { route: '/reset-password#token=sy_reset_abc' });
    await user.type(screen.getByLabelText(/^New password/), 'a long new password');
    await user.type(screen.getByLabelText(/^The same again/), 'a long new passwort');
    await user.click(screen.getByRole('button', { name: 'Set the password' }));
    expect(screen.getByText('The two passwords differ')).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });

  it('offers a new link when this one is used or expired', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      'POST /api/v1/auth/password-reset/confirm': [404, { error: { code: 'not_found', message: 'reset link not found', details: null } }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ResetPassword />, { route: '/reset-password#token=sy_reset_old' });
    await user.type(screen.getByLabelText(/^New password/), 'a long new password');
    await user.type(screen.getByLabelText(/^The same again/), 'a long new password');
    await user.click(screen.getByRole('button', { name: 'Set the password' }));
    await waitFor(() => expect(screen.getByTestId('reset-gone')).toHaveTextContent('expired or was used'));
    expect(screen.getByRole('link', { name: 'Ask for a new one' })).toHaveAttribute('href', '/forgot-password');
  });

  it('says a link without its token is incomplete', () => {
    vi.stubGlobal('fetch', fakeFetch({}).fn);
    renderUi(<ResetPassword />, { route: '/reset-password' });
    expect(screen.getByTestId('reset-no-token')).toHaveTextContent('This link is incomplete');
  });
});
