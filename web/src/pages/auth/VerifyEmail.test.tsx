import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VerifyEmailBanner } from '../../components/layout/VerifyEmailBanner';
import { fakeFetch, renderUi } from '../../test/render';
import VerifyEmail from './VerifyEmail';

afterEach(() => vi.unstubAllGlobals());

const me = (emailVerified: boolean) =>
  [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0, twoFactor: false, recoveryCodesLeft: 0, emailVerified }, memberships: [] }] as [number, unknown];

describe('VerifyEmail', () => {
  it('confirms the email with the token of the link', async () => {
    const api = fakeFetch({ 'POST /api/v1/auth/verify-email': [204, null] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<VerifyEmail />, { route: '/verify-email#token=sy_verify_abc' });
    expect(await screen.findByTestId('verify-done')).toHaveTextContent('Your email is confirmed');
    expect(api.calls[0].body).toEqual({ token: 'sy_verify_abc' });
  });

  it('says when the link is used or expired', async () => {
    const api = fakeFetch({ 'POST /api/v1/auth/verify-email': [404, { error: { code: 'not_found', message: 'verification link not found', details: null } }] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<VerifyEmail />, { route: '/verify-email#token=sy_verify_old' });
    expect(await screen.findByTestId('verify-gone')).toHaveTextContent('expired or was used');
  });

  it('without a token, asks for the whole link and sends nothing', async () => {
    const api = fakeFetch({});
    vi.stubGlobal('fetch', api.fn);
    renderUi(<VerifyEmail />, { route: '/verify-email' });
    expect(await screen.findByTestId('verify-no-token')).toBeInTheDocument();
    expect(api.calls).toHaveLength(0);
  });
});

describe('VerifyEmailBanner', () => {
  it('offers a new link to an unconfirmed account', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ 'GET /api/v1/auth/me': me(false), 'POST /api/v1/auth/verify-email/send': [202, null] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<VerifyEmailBanner />);
    expect(await screen.findByTestId('verify-banner')).toHaveTextContent('ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Mail me a new link' }));
    expect(await screen.findByTestId('verify-sent')).toBeInTheDocument();
  });

  it('shows nothing once the email is confirmed', async () => {
    const api = fakeFetch({ 'GET /api/v1/auth/me': me(true) });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<VerifyEmailBanner />);
    await vi.waitFor(() => expect(api.calls.length).toBeGreaterThan(0));
    expect(screen.queryByTestId('verify-banner')).toBeNull();
  });
});
