import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, SdkKey } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { KeysPanel, secretStillWorks, type Shown } from './KeysPanel';

const KEYS = '/api/v1/projects/p1/environments/e1/keys';
const ENV = { id: 'e1', orgId: 'o1', projectId: 'p1', key: 'production', name: 'Production', revision: 1, allowedOrigins: [], createdAt: 0 } as Environment;
const key = (id: string, over: Partial<SdkKey> = {}): SdkKey => ({ id, kind: 'client', prefix: `sy_client_${id}`, createdAt: 1, environmentId: 'e1', orgId: 'o1', projectId: 'p1', ...over });

afterEach(() => vi.unstubAllGlobals());

/** The keys API over a list kept here: rotate makes k2 and gives k1 an end; revoke marks a key revoked. */
function keysApi(start: SdkKey[]) {
  let keys = start;
  return fakeFetch({
    [`GET ${KEYS}`]: () => [200, keys],
    [`POST ${KEYS}`]: () => {
      keys = [...keys, key('k9')];
      return [201, { key: key('k9'), secret: 'sy_client_k9_SECRET' }];
    },
    [`POST ${KEYS}/k1/rotate`]: (body) => {
      const overlap = (body as { overlapSeconds: number }).overlapSeconds;
      keys = [key('k1', { expiresAt: Date.now() + overlap * 1000 }), key('k2')];
      return [201, { key: key('k2'), secret: 'sy_client_k2_SECRET' }];
    },
    [`DELETE ${KEYS}/k2`]: () => {
      keys = keys.map((k) => (k.id === 'k2' ? { ...k, revokedAt: Date.now() } : k));
      return [204, null];
    },
  });
}

describe('KeysPanel', () => {
  it('after a rotation, says until when the old secret keeps working', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', keysApi([key('k1')]).fn);
    renderUi(<KeysPanel project="p1" env={ENV} canManage />);
    await user.click(await screen.findByRole('button', { name: 'Rotate' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Rotate key' }));
    expect(await screen.findByTestId('secret')).toHaveTextContent('sy_client_k2_SECRET');
    expect(screen.getByTestId('secret-overlap')).toHaveTextContent(/The old secret \(sy_client_k1…\) keeps working until .+ \(in 24 h\)/);
    const oldRow = await screen.findByTestId('key-row-sy_client_k1');
    expect(oldRow).toHaveTextContent(/rotated: keeps working until .+ \(in 24 h\)/);
  });

  it('takes the secret box away once its key is revoked, and says there are no keys', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', keysApi([key('k1')]).fn);
    renderUi(<KeysPanel project="p1" env={ENV} canManage />);
    await user.click(await screen.findByRole('button', { name: 'Rotate' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('combobox', { name: 'The old key keeps working for' }));
    await user.click(await screen.findByRole('option', { name: 'Stop it now' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Rotate key' }));
    await screen.findByTestId('secret');
    await user.click(await screen.findByRole('button', { name: 'Revoke sy_client_k2' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(screen.queryByTestId('secret')).not.toBeInTheDocument());
    expect(screen.queryByText(/sy_client_k2_SECRET/)).not.toBeInTheDocument();
    expect(await screen.findByTestId('no-keys')).toHaveTextContent('No keys yet for Production.');
  });

  it('without keys, says what to do next', async () => {
    vi.stubGlobal('fetch', keysApi([]).fn);
    renderUi(<KeysPanel project="p1" env={ENV} canManage />);
    expect(await screen.findByTestId('no-keys')).toHaveTextContent('No keys yet for Production.');
    expect(screen.getByTestId('no-keys')).toHaveTextContent('create a client key for a web page or app');
    expect(screen.getByTestId('snippet-script')).toBeInTheDocument();
  });
});

describe('secretStillWorks', () => {
  const shown: Shown = { created: { key: key('k2'), secret: 's' }, shownAt: 1000 };

  it('holds while its key is listed and works', () => {
    expect(secretStillWorks(shown, [key('k2')], 2000, 3000)).toBe(true);
  });

  it('ends when its key is revoked or has expired', () => {
    expect(secretStillWorks(shown, [key('k2', { revokedAt: 2500 })], 2600, 3000)).toBe(false);
    expect(secretStillWorks(shown, [key('k2', { expiresAt: 2900 })], 2600, 3000)).toBe(false);
  });

  it('ends when a list read after it no longer has its key, not before', () => {
    expect(secretStillWorks(shown, [], 900, 3000)).toBe(true);
    expect(secretStillWorks(shown, [], 1100, 3000)).toBe(false);
  });
});
