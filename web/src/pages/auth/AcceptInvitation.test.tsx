import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getToken, setToken } from '../../api/client';
import { fakeFetch, renderUi } from '../../test/render';
import AcceptInvitation from './AcceptInvitation';

function Where() {
  const loc = useLocation();
  return <div data-testid="signup-page">{loc.pathname + loc.search}</div>;
}

const ME = [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [] }] as [number, unknown];

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

describe('AcceptInvitation', () => {
  it('a signed-in person invited under another email signs out and signs up with the invitation', async () => {
    setToken('t');
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/v1/auth/me': ME, 'POST /api/v1/auth/logout': [204, null] }).fn);
    renderUi(
      <Routes>
        <Route path="/invitations/accept" element={<AcceptInvitation />} />
        <Route path="/signup" element={<Where />} />
      </Routes>,
      { route: '/invitations/accept?token=inv_9' },
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign out and create that account' }));
    await waitFor(() => expect(screen.getByTestId('signup-page')).toHaveTextContent('/signup?invitation=inv_9'));
    expect(getToken()).toBeNull();
  });
});
