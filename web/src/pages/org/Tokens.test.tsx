import { screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import Tokens from './Tokens';

const ORG = '/api/v1/orgs/o1';
const me = (role: string) => [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role }] }] as [number, unknown];
const token = (id: string, createdBy: string, createdByName?: string | null) => ({ id, orgId: 'o1', name: `token ${id}`, prefix: `sy_tok_${id}`, scopes: ['read'], createdAt: 0, createdBy, createdByName });

afterEach(() => vi.unstubAllGlobals());

function show(tokens: unknown[], role = 'admin') {
  vi.stubGlobal(
    'fetch',
    fakeFetch({
      'GET /api/v1/auth/me': me(role),
      [`GET ${ORG}/members`]: [200, [{ userId: 'u1', email: 'ada@example.com', name: 'Ada', role: 'admin' }]],
      [`GET ${ORG}/tokens`]: [200, tokens],
    }).fn,
  );
  renderUi(
    <Routes>
      <Route path="/orgs/:org/tokens" element={<Tokens />} />
    </Routes>,
    { route: '/orgs/o1/tokens' },
  );
}

describe('Tokens page', () => {
  it("shows each token's creator by the name the API gives, else from the members", async () => {
    show([token('t1', 'u9', 'Grace'), token('t2', 'u1'), token('t3', 'u8', null)]);
    const rows = await screen.findAllByRole('row');
    await waitFor(() => expect(rows[1]).toHaveTextContent('by Grace'));
    await waitFor(() => expect(screen.getAllByRole('row')[2]).toHaveTextContent('by Ada'));
    expect(screen.getAllByRole('row')[3]).toHaveTextContent('by a former member');
  });

  it("names a service account's token", async () => {
    show([{ ...token('t1', 'u1'), serviceAccount: 'pipeline' }]);
    expect(await screen.findByTestId('service-account')).toHaveTextContent('service account pipeline');
  });

  it('offers service accounts to owners only', async () => {
    show([], 'owner');
    expect(await screen.findByLabelText(/Service account/)).toBeInTheDocument();
  });

  it('does not offer service accounts to admins', async () => {
    show([]);
    await screen.findByTestId('no-tokens');
    expect(screen.queryByLabelText(/Service account/)).toBeNull();
  });

  it('without tokens, says what one is for', async () => {
    show([]);
    expect(await screen.findByTestId('no-tokens')).toHaveTextContent('No API tokens yet');
  });
});
