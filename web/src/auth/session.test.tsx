import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getToken, setToken } from '../api/client';
import { fakeFetch, renderUi } from '../test/render';
import { RENEW_EVERY_MS } from './session';

const session = (token: string) => ({ token, user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, organization: null });

beforeEach(() => {
  vi.useFakeTimers();
  setToken('t1');
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  setToken(null);
});

describe('session renewal', () => {
  it('renews the token of a page its user is using', async () => {
    const api = fakeFetch({ 'POST /api/v1/auth/refresh': [200, session('t2')] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<p>page</p>);
    fireEvent.keyDown(screen.getByText('page'));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(RENEW_EVERY_MS);
    });
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/v1/auth/refresh']);
    expect(getToken()).toBe('t2');
  });

  it('lets the token of an idle page run out', async () => {
    const api = fakeFetch({ 'POST /api/v1/auth/refresh': [200, session('t2')] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<p>page</p>);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3 * RENEW_EVERY_MS);
    });
    expect(api.calls).toEqual([]);
    expect(getToken()).toBe('t1');
  });
});
