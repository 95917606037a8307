import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type Options } from '../../src/index';
import { encodeContext } from '../../src/protocol';
import { FakeEventSource, FakeSocket, fakeFetch, flag, reset } from './fakes';

const base = {
  clientKey: 'sy_client_test',
  baseUrl: 'http://flags.test/',
  context: { targetingKey: 'user-1', name: 'Zoë' },
  WebSocket: FakeSocket as unknown as typeof WebSocket,
  EventSource: FakeEventSource as unknown as typeof EventSource,
  analytics: false,
  random: () => 1,
} satisfies Options;

const ofrep = (flags: Record<string, unknown>) => ({
  flags: Object.entries(flags).map(([key, f]) => ({ key, ...(f as object) })),
});

beforeEach(() => {
  reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('fallback', () => {
  it('goes WebSocket → SSE → polling when a transport never works, and polls with the ETag', async () => {
    let etag = '"r1"';
    const api = fakeFetch((c) =>
      c.init.headers['If-None-Match'] === etag
        ? { status: 304 }
        : { status: 200, body: ofrep({ color: flag('blue') }), headers: { ETag: etag } },
    );
    const c = init({ ...base, fetch: api.fetch, pollInterval: 5000 });
    FakeSocket.last.refuse();
    const es = FakeEventSource.last;
    expect(es.url).toBe(
      `http://flags.test/sdk/v1/sse?key=sy_client_test&context=${encodeContext(base.context)}`,
    );
    es.emit('error');
    expect(es.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.calls[0].url).toBe('http://flags.test/ofrep/v1/evaluate/flags');
    expect(api.calls[0].init.headers.Authorization).toBe('Bearer sy_client_test');
    expect(JSON.parse(api.calls[0].init.body)).toEqual({ context: base.context });
    expect(c.string('color', '')).toBe('blue');
    expect(c.status.transport).toBe('poll');
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.calls[1].init.headers['If-None-Match']).toBe('"r1"');
    expect(c.string('color', '')).toBe('blue');
    etag = '"r2"';
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.calls).toHaveLength(3);
    c.close();
  });

  it('when everything fails, backs off and starts again from the WebSocket', async () => {
    const api = fakeFetch(() => new Error('offline'));
    const c = init({ ...base, fetch: api.fetch });
    FakeSocket.last.refuse();
    FakeEventSource.last.emit('error');
    await vi.advanceTimersByTimeAsync(0);
    expect(api.calls).toHaveLength(1);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
    c.close();
  });

  it('keeps to a transport that has worked when the server goes away for a while', async () => {
    const api = fakeFetch(() => new Error('offline'));
    const c = init({ ...base, fetch: api.fetch });
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'snapshot', revision: 1, flags: {} });
    FakeSocket.last.drop(1012);
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(30000);
      FakeSocket.last.refuse(); // the server is still down
    }
    expect(FakeEventSource.all).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(30000);
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'snapshot', revision: 2, flags: { x: flag(1) } });
    expect(c.status).toMatchObject({ transport: 'ws', revision: 2 });
    c.close();
  });

  it('uses SSE messages like WebSocket ones, and reconnects to resync', () => {
    const c = init({ ...base, streaming: 'sse', fetch: fakeFetch(() => new Error('x')).fetch });
    const es = FakeEventSource.last;
    es.emit('snapshot', { type: 'snapshot', revision: 2, flags: { color: flag('blue') } });
    es.emit('changes', { type: 'changes', revision: 3, base: 2, flags: { color: flag('red') }, removed: [] });
    expect(c.string('color', '')).toBe('red');
    es.emit('changes', { type: 'changes', revision: 9, base: 8, flags: {}, removed: [] });
    expect(es.closed).toBe(true);
    expect(FakeEventSource.all).toHaveLength(2);
    const errors = vi.fn();
    c.on('error', errors);
    FakeEventSource.last.emit('error', { type: 'error', code: 'x', message: 'server says no' });
    expect(errors.mock.calls[0][0].message).toBe('server says no');
    c.close();
  });

  it('stops polling and reports when the key is refused', async () => {
    const api = fakeFetch(() => ({ status: 401, body: { errorCode: 'x' } }));
    const c = init({ ...base, streaming: false, fetch: api.fetch });
    const errors = vi.fn();
    c.on('error', errors);
    await vi.advanceTimersByTimeAsync(120000);
    expect(api.calls).toHaveLength(1);
    expect(errors).toHaveBeenCalledTimes(1);
    c.close();
  });

  it('says which origin was refused when the server explains a 403', async () => {
    const why = "this page's origin (https://shop.test) is not in the environment's allowed origins";
    const api = fakeFetch(() => ({ status: 403, body: { errorCode: 'ORIGIN_NOT_ALLOWED', errorDetails: why } }));
    const c = init({ ...base, streaming: false, fetch: api.fetch });
    const errors = vi.fn();
    c.on('error', errors);
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors.mock.calls[0][0].message).toBe(`the server refused this client: ${why}`);
    c.close();
  });

  it('waits as long as Retry-After says on 429', async () => {
    let n = 0;
    const api = fakeFetch(() => (n++ === 0 ? { status: 429, headers: { 'Retry-After': '7' } } : { status: 200, body: ofrep({}) }));
    const c = init({ ...base, streaming: 'poll', fetch: api.fetch });
    await vi.advanceTimersByTimeAsync(6999);
    expect(api.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.calls).toHaveLength(2);
    c.close();
  });
});

describe('no flicker', () => {
  it('uses bootstrap values synchronously, as values or as evaluations', () => {
    const c = init({
      ...base,
      fetch: fakeFetch(() => new Error('x')).fetch,
      bootstrap: { dark: true, color: { value: 'blue', variant: 'b', reason: 'TARGETING_MATCH' } },
    });
    expect(c.boolean('dark', false)).toBe(true);
    expect(c.detail('color', '')).toEqual({ flagKey: 'color', value: 'blue', variant: 'b', reason: 'TARGETING_MATCH' });
    c.close();
  });

  it('keeps values per client key and targeting key, marked CACHED until the network confirms', () => {
    const first = init({ ...base, fetch: fakeFetch(() => new Error('x')).fetch });
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'snapshot', revision: 4, flags: { color: flag('blue', 'b', 'TARGETING_MATCH') } });
    first.close();

    const again = init({ ...base, fetch: fakeFetch(() => new Error('x')).fetch });
    expect(again.detail('color', '')).toMatchObject({ value: 'blue', reason: 'CACHED' });
    expect(again.status.source).toBe('cache');
    const changed = vi.fn();
    again.on('change', changed);
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'snapshot', revision: 4, flags: { color: flag('blue', 'b', 'TARGETING_MATCH') } });
    expect(again.detail('color', '')).toMatchObject({ value: 'blue', reason: 'TARGETING_MATCH' });
    expect(changed).not.toHaveBeenCalled();
    again.close();

    const other = init({ ...base, context: { targetingKey: 'user-2' }, fetch: fakeFetch(() => new Error('x')).fetch });
    expect(other.detail('color', 'none')).toMatchObject({ value: 'none', errorCode: 'PROVIDER_NOT_READY' });
    other.close();
    const otherKey = init({ ...base, clientKey: 'sy_client_other', fetch: fakeFetch(() => new Error('x')).fetch });
    expect(otherKey.string('color', 'none')).toBe('none');
    otherKey.close();
  });

  it('does not cache when told not to', () => {
    const first = init({ ...base, cache: false, fetch: fakeFetch(() => new Error('x')).fetch });
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'snapshot', revision: 4, flags: { color: flag('blue') } });
    first.close();
    expect(localStorage.length).toBe(0);
  });

  it('survives a broken cache entry', () => {
    localStorage.setItem('switchyard:sy_client_test:user-1', '{"revision":');
    const c = init({ ...base, fetch: fakeFetch(() => new Error('x')).fetch });
    expect(c.string('color', 'none')).toBe('none');
    c.close();
  });
});

describe('input', () => {
  it('refuses to start without a client key, with a clear message', () => {
    expect(() => init({} as Options)).toThrow(/clientKey is required/);
  });
});
