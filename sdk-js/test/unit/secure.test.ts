import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type Options } from '../../src/index';
import { encodeContext } from '../../src/protocol';
import { FakeEventSource, FakeSocket, fakeFetch, flag, reset } from './fakes';

const context = { targetingKey: 'user-1' };
const base = {
  clientKey: 'sy_client_test',
  baseUrl: 'http://flags.test',
  context,
  hash: 'aa11',
  WebSocket: FakeSocket as unknown as typeof WebSocket,
  EventSource: FakeEventSource as unknown as typeof EventSource,
  fetch: fakeFetch(() => new Error('offline')).fetch,
  analytics: false,
  random: () => 0.5,
} satisfies Options;

beforeEach(() => {
  reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('secure mode hash', () => {
  it('travels in hello, and identify sends the new context with its own hash', () => {
    const c = init(base);
    const ws = FakeSocket.last;
    ws.open();
    expect(ws.sent[0]).toEqual({ type: 'hello', context, hash: 'aa11' });
    ws.receive({ type: 'snapshot', revision: 1, flags: { color: flag('blue') } });
    void c.identify({ targetingKey: 'user-2' }, { hash: 'bb22' });
    expect(ws.sent.at(-1)).toEqual({ type: 'identify', context: { targetingKey: 'user-2' }, hash: 'bb22' });
    c.close();
  });

  it('travels as the SSE hash parameter', () => {
    const c = init({ ...base, streaming: 'sse' });
    expect(FakeEventSource.last.url).toBe(
      `http://flags.test/sdk/v1/sse?key=sy_client_test&context=${encodeContext(context)}&hash=aa11`,
    );
    c.close();
  });

  it('travels as the X-Switchyard-Hash header when polling OFREP', async () => {
    const api = fakeFetch(() => ({ status: 200, body: { flags: [] } }));
    const c = init({ ...base, streaming: false, fetch: api.fetch });
    await vi.waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0].init.headers['X-Switchyard-Hash']).toBe('aa11');
    c.close();
  });

  it('is left out without secure mode', () => {
    const { hash: _, ...plain } = base;
    const c = init(plain);
    FakeSocket.last.open();
    expect(FakeSocket.last.sent[0]).toEqual({ type: 'hello', context });
    c.close();
  });
});
