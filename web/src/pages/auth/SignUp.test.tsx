import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import { invitationFrom } from './invitation';
import SignIn from './SignIn';
import SignUp from './SignUp';

afterEach(() => vi.unstubAllGlobals());

describe('SignUp', () => {
  it('checks the form before sending anything', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({});
    vi.stubGlobal('fetch', api.fn);
    renderUi(<SignUp />, { route: '/signup' });
    await user.type(screen.getByLabelText(/^Email/), 'not-an-email');
    await user.type(screen.getByLabelText(/^Password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByText('Enter your name')).toBeInTheDocument();
    expect(screen.getByText('Enter a valid email address')).toBeInTheDocument();
    expect(screen.getByText('Use at least 10 characters')).toBeInTheDocument();
    expect(api.calls).toEqual([]);
  });

  it("shows the API's field errors next to the field", async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      'POST /api/v1/auth/signup': [422, { error: { code: 'invalid', message: 'email is not an email address', details: [{ path: '/email', message: 'is not an email address' }] } }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<SignUp />, { route: '/signup' });
    await user.type(screen.getByLabelText(/^Your name/), 'Ada');
    await user.type(screen.getByLabelText(/^Email/), 'ada@localhost.x');
    await user.type(screen.getByLabelText(/^Password/), 'long enough password');
    await user.type(screen.getByLabelText(/^Organization/), 'Acme');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription(/is not an email address/));
    expect(screen.getByLabelText(/^Email/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('alert')).toHaveTextContent('Email is not an email address');
    expect(api.calls[0].body).toEqual({ name: 'Ada', email: 'ada@localhost.x', password: 'long enough password', organization: 'Acme' });
  });
});

describe('SignUp with an invitation', () => {
  it('joins the inviting organization: no organization name asked, the invitation sent instead', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      'POST /api/v1/auth/signup': [201, { token: 't', user: { id: 'u2', email: 'vera@example.com', name: 'Vera', createdAt: 0 }, organization: { id: 'o1', name: 'Acme', createdAt: 0 } }],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<SignUp />, { route: `/signup?next=${encodeURIComponent('/invitations/accept?token=inv_123')}` });
    expect(screen.getByTestId('signup-invitation')).toHaveTextContent('joins the organization that invited you');
    expect(screen.queryByLabelText(/^Organization/)).not.toBeInTheDocument();
    await user.click(screen.getByLabelText(/^Your name/));
    await user.paste('Vera');
    await user.click(screen.getByLabelText(/^Email/));
    await user.paste('vera@example.com');
    await user.click(screen.getByLabelText(/^Password/));
    await user.paste('long enough password');
    await user.click(screen.getByRole('button', { name: 'Create account and join' }));
    await waitFor(() => expect(api.calls[0]?.body).toEqual({ name: 'Vera', email: 'vera@example.com', password: 'long enough password', invitation: 'inv_123' }));
  });

  it('can start a new organization instead', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', fakeFetch({}).fn);
    renderUi(<SignUp />, { route: '/signup?invitation=inv_123' });
    await user.click(screen.getByRole('button', { name: 'Create a new organization' }));
    expect(screen.getByLabelText(/^Organization/)).toBeInTheDocument();
    expect(screen.queryByTestId('signup-invitation')).not.toBeInTheDocument();
  });
});

describe('invitationFrom', () => {
  it('reads the token from ?invitation= or from the accept link in ?next=', () => {
    expect(invitationFrom(new URLSearchParams('invitation=abc'))).toBe('abc');
    expect(invitationFrom(new URLSearchParams(`next=${encodeURIComponent('/invitations/accept?token=xyz')}`))).toBe('xyz');
    expect(invitationFrom(new URLSearchParams(`next=${encodeURIComponent('/orgs/o1?token=xyz')}`))).toBeNull();
    expect(invitationFrom(new URLSearchParams(''))).toBeNull();
  });
});

describe('SignIn with an invitation', () => {
  it('offers to create an account that joins the inviting organization', () => {
    vi.stubGlobal('fetch', fakeFetch({}).fn);
    const next = encodeURIComponent('/invitations/accept?token=inv_123');
    renderUi(<SignIn />, { route: `/signin?next=${next}` });
    const hint = screen.getByTestId('signin-invitation');
    expect(hint).toHaveTextContent('you join the organization that invited you');
    expect(screen.getAllByRole('link', { name: 'Create an account' })[0]).toHaveAttribute('href', `/signup?next=${next}`);
  });
});

describe('SignUp with an invitation that cannot be used', () => {
  it('says so and what to do instead', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', fakeFetch({ 'POST /api/v1/auth/signup': [404, { error: { code: 'not_found', message: 'invitation not found' } }] }).fn);
    renderUi(<SignUp />, { route: '/signup?invitation=gone' });
    await user.click(screen.getByLabelText(/^Your name/));
    await user.paste('Vera');
    await user.click(screen.getByLabelText(/^Email/));
    await user.paste('vera@example.com');
    await user.click(screen.getByLabelText(/^Password/));
    await user.paste('long enough password');
    await user.click(screen.getByRole('button', { name: 'Create account and join' }));
    expect(await screen.findByText(/It was revoked, has been used or has expired/)).toBeInTheDocument();
  });
});
