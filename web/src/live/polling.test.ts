import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { setFeedUp, whenFeedDown } from '../api/live';
import { rearmPolling } from './polling';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => setFeedUp(false));

describe('polling that follows the feed', () => {
  it('stops when the feed comes up and starts again when it goes down', async () => {
    const qc = new QueryClient();
    let fetches = 0;
    const o = new QueryObserver(qc, { queryKey: ['x'], queryFn: () => ++fetches, refetchInterval: whenFeedDown(20) });
    const unsubscribe = o.subscribe(() => {});
    await sleep(70);
    expect(fetches).toBeGreaterThan(1);

    setFeedUp(true);
    rearmPolling(qc);
    const up = fetches;
    await sleep(70);
    expect(fetches).toBe(up);

    setFeedUp(false);
    rearmPolling(qc);
    await sleep(70);
    expect(fetches).toBeGreaterThan(up);
    unsubscribe();
  });
});
