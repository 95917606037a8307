import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type Options } from '../../src/index';
import { FakeEventSource, FakeSocket, fakeFetch, flag, reset } from './fakes';

const down = fakeFetch(() => new Error('offline'));

function client(extra: Partial<Options> = {}) {
  return init({
    clientKey: 'sy_client_test',
    baseUrl: 'http://flags.test',
    context: { targetingKey: 'user-1', plan: 'pro' },
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    EventSource: FakeEventSource as unknown as typeof EventSource,
    fetch: down.fetch,
    analytics: false,
    random: () => 0.5,
    ...extra,
  });
}

const snapshot = (revision: number, flags: Record<string, unknown>) => ({ type: 'snapshot', revision, flags });

beforeEach(() => {
  reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('getters', () => {
  it('answer the caller default with a reason before anything arrived, and never throw', () => {
    const c = client();
    expect(c.boolean('x', true)).toBe(true);
    expect(c.detail('x', 'd')).toEqual({ flagKey: 'x', value: 'd', reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' });
    expect(() => c.object('__proto__', {})).not.toThrow();
    c.close();
  });

  it('check the type, and tell missing, disabled and errored flags apart', () => {
    const c = client();
    FakeSocket.last.open();
    FakeSocket.last.receive(
      snapshot(3, {
        on: flag(true, 'on', 'TARGETING_MATCH'),
        color: flag('blue'),
        limit: flag(10),
        cfg: flag({ a: 1 }),
        off: { variant: 'off', reason: 'DISABLED' },
        broken: { reason: 'ERROR', errorCode: 'PARSE_ERROR', errorMessage: 'bad rule' },
      }),
    );
    expect(c.boolean('on', false)).toBe(true);
    expect(c.string('color', 'red')).toBe('blue');
    expect(c.number('limit', 0)).toBe(10);
    expect(c.object('cfg', {})).toEqual({ a: 1 });
    expect(c.detail('on', false)).toEqual({ flagKey: 'on', value: true, variant: 'on', reason: 'TARGETING_MATCH' });
    expect(c.detail('color', 0)).toMatchObject({ value: 0, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(c.detail('limit', null)).toMatchObject({ value: 10, reason: 'STATIC' });
    expect(c.detail('nope', 1)).toMatchObject({ value: 1, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(c.detail('off', true)).toMatchObject({ value: true, reason: 'DISABLED' });
    expect(c.detail('broken', 'x')).toMatchObject({ value: 'x', reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(c.all()).toEqual({ on: true, color: 'blue', limit: 10, cfg: { a: 1 } });
    c.close();
  });
});

describe('the stream', () => {
  it('says hello with the context, becomes ready on the snapshot, and applies newer changes', async () => {
    const c = client();
    const ready = vi.fn();
    const changed = vi.fn();
    const one = vi.fn();
    c.on('ready', ready);
    c.on('change', changed);
    c.on('change:color', one);
    const ws = FakeSocket.last;
    expect(ws.url).toBe('ws://flags.test/sdk/v1/ws?key=sy_client_test');
    ws.open();
    expect(ws.sent[0]).toEqual({ type: 'hello', context: { targetingKey: 'user-1', plan: 'pro' } });
    ws.receive(snapshot(5, { color: flag('blue'), gone: flag(1) }));
    await expect(c.ready()).resolves.toEqual({ color: 'blue', gone: 1 });
    expect(ready).toHaveBeenCalledTimes(1);
    expect(changed).toHaveBeenLastCalledWith(['color', 'gone']);

    ws.receive({ type: 'changes', revision: 6, base: 5, flags: { color: flag('green') }, removed: ['gone'] });
    expect(c.string('color', '')).toBe('green');
    expect(c.all()).toEqual({ color: 'green' });
    expect(one).toHaveBeenLastCalledWith({ flagKey: 'color', value: 'green', variant: 'green', reason: 'STATIC', errorCode: undefined });
    expect(c.status.revision).toBe(6);
    c.close();
  });

  it('never goes backwards: replayed, duplicated and older messages change nothing', () => {
    const c = client();
    const ws = FakeSocket.last;
    ws.open();
    ws.receive(snapshot(5, { color: flag('blue') }));
    const change = { type: 'changes', revision: 6, base: 5, flags: { color: flag('green') }, removed: [] };
    ws.receive(change);
    ws.receive(change);
    ws.receive({ ...change, revision: 4, base: 3, flags: { color: flag('old') } });
    ws.receive(snapshot(2, { color: flag('ancient') }));
    expect(c.string('color', '')).toBe('green');
    expect(c.status.revision).toBe(6);
    c.close();
  });

  it('asks for a snapshot when it sees a gap, and applies that snapshot', () => {
    const c = client();
    const ws = FakeSocket.last;
    ws.open();
    ws.receive(snapshot(5, { color: flag('blue') }));
    ws.receive({ type: 'changes', revision: 8, base: 7, flags: { color: flag('red') } });
    expect(c.string('color', '')).toBe('blue');
    expect(ws.sent.at(-1)).toEqual({ type: 'resync' });
    ws.receive(snapshot(8, { color: flag('red') }));
    expect(c.string('color', '')).toBe('red');
    c.close();
  });

  it('ignores unknown messages, and drops the connection on a malformed one, ending in a snapshot', () => {
    const c = client();
    const ws = FakeSocket.last;
    ws.open();
    ws.receive(snapshot(5, { color: flag('blue') }));
    ws.receive({ type: 'something-new', x: 1 });
    expect(ws.closedByClient).toBe(false);
    ws.receive('{not json');
    expect(ws.closedByClient).toBe(true);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1000); // full jitter: at most 1 s on the first retry
    const again = FakeSocket.last;
    expect(FakeSocket.all).toHaveLength(2);
    again.open();
    expect(again.sent[0].type).toBe('hello');
    again.receive(snapshot(5, { color: flag('green') }));
    expect(c.string('color', '')).toBe('green');
    c.close();
  });

  it.each([
    ['a snapshot without flags', { type: 'snapshot', revision: 1 }],
    ['a negative revision', { type: 'snapshot', revision: -1, flags: {} }],
    ['changes without a base', { type: 'changes', revision: 9, flags: {} }],
    ['a flag that is not an object', { type: 'snapshot', revision: 1, flags: { a: 3 } }],
    ['no type', { revision: 1 }],
    ['an array', [1, 2]],
  ])('treats %s as malformed', (_name, m) => {
    const c = client();
    FakeSocket.last.open();
    FakeSocket.last.receive(m);
    expect(FakeSocket.last.closedByClient).toBe(true);
    c.close();
  });

  it('reconnects with growing, jittered delays, and starts over after a minute up', () => {
    const c = client({ random: () => 1 });
    const at = () => FakeSocket.all.length;
    FakeSocket.last.open();
    FakeSocket.last.receive(snapshot(1, {}));
    FakeSocket.last.drop(1012);
    for (const wait of [1000, 2000, 4000]) {
      vi.advanceTimersByTime(wait - 1);
      const n = at();
      vi.advanceTimersByTime(1);
      expect(at()).toBe(n + 1);
      FakeSocket.last.open();
      FakeSocket.last.receive(snapshot(1, {}));
      FakeSocket.last.drop(1011);
    }
    vi.advanceTimersByTime(8000);
    FakeSocket.last.open();
    FakeSocket.last.receive(snapshot(1, {}));
    vi.advanceTimersByTime(59000); // the server pings; the client stays up a minute
    for (let i = 0; i < 3; i++) FakeSocket.last.receive({ type: 'ping' });
    vi.advanceTimersByTime(1000);
    FakeSocket.last.receive({ type: 'ping' });
    const n = at();
    FakeSocket.last.drop(1012);
    vi.advanceTimersByTime(1000);
    expect(at()).toBe(n + 1);
    c.close();
  });

  it('reconnects when the server goes silent for a minute', () => {
    const c = client();
    FakeSocket.last.open();
    FakeSocket.last.receive(snapshot(1, {}));
    vi.advanceTimersByTime(60000);
    expect(FakeSocket.all[0].closedByClient).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    c.close();
  });

  it('pings the server so that an idle socket stays open', () => {
    const c = client();
    FakeSocket.last.open();
    FakeSocket.last.receive(snapshot(1, {}));
    vi.advanceTimersByTime(30000);
    expect(FakeSocket.last.sent.at(-1)).toEqual({ type: 'ping' });
    c.close();
  });

  it('stops and reports an error when the server refuses the key (1008)', () => {
    const c = client();
    const errors = vi.fn();
    c.on('error', errors);
    FakeSocket.last.open();
    FakeSocket.last.drop(1008);
    vi.advanceTimersByTime(120000);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(FakeSocket.all).toHaveLength(1);
    c.close();
  });

  it('identifies: sends the new context and resolves on the new snapshot, even at an older revision', async () => {
    const c = client();
    const ws = FakeSocket.last;
    ws.open();
    ws.receive(snapshot(5, { color: flag('blue') }));
    const done = c.identify({ targetingKey: 'user-2' });
    expect(ws.sent.at(-1)).toEqual({ type: 'identify', context: { targetingKey: 'user-2' } });
    ws.receive(snapshot(5, { color: flag('pink') }));
    await done;
    expect(c.string('color', '')).toBe('pink');
    c.close();
  });

  it('close stops everything', () => {
    const c = client();
    FakeSocket.last.open();
    c.close();
    expect(FakeSocket.last.closedByClient).toBe(true);
    vi.advanceTimersByTime(120000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('ready', () => {
  it('resolves at the timeout with the defaults when the backend is down', async () => {
    const c = client({ readyTimeout: 500 });
    FakeSocket.last.refuse();
    FakeEventSource.last.emit('error');
    let settled = false;
    void c.ready().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(c.boolean('x', true)).toBe(true);
    c.close();
  });
});
