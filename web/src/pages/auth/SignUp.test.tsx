import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
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
