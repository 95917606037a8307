import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type Options } from '../../src/index';
import { FakeEventSource, FakeSocket, fakeFetch, flag, reset } from './fakes';

let api: ReturnType<typeof fakeFetch>;
let online = true;

function client(extra: Partial<Options> = {}) {
  const c = init({
    clientKey: 'sy_client_test',
    baseUrl: 'http://flags.test',
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    EventSource: FakeEventSource as unknown as typeof EventSource,
    fetch: api.fetch,
    flushInterval: 10000,
    ...extra,
  });
  FakeSocket.last.open();
  FakeSocket.last.receive({ type: 'snapshot', revision: 1, flags: { color: flag('blue', 'b'), on: flag(true, 'yes') } });
  return c;
}

const posted = () => api.calls.filter((c) => c.url.endsWith('/sdk/v1/events')).map((c) => JSON.parse(c.init.body));

beforeEach(() => {
  reset();
  online = true;
  api = fakeFetch(() => (online ? { status: 202 } : new Error('offline')));
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('analytics', () => {
  it('counts evaluations per flag and variant and sends them with track events on the interval', async () => {
    const c = client();
    c.string('color', '');
    c.string('color', '');
    c.boolean('on', false);
    c.boolean('missing', false);
    c.track('checkout', { total: 12 });
    await vi.advanceTimersByTimeAsync(10000);
    const [batch] = posted();
    expect(batch.evaluations).toEqual([
      { flag: 'color', variant: 'b', count: 2 },
      { flag: 'on', variant: 'yes', count: 1 },
    ]);
    expect(batch.events).toMatchObject([{ name: 'checkout', data: { total: 12 } }]);
    const call = api.calls.find((x) => x.url.endsWith('/sdk/v1/events'))!;
    expect(call.init.headers['X-API-Key']).toBe('sy_client_test');
    await vi.advanceTimersByTimeAsync(10000);
    expect(posted()).toHaveLength(1); // nothing new, nothing sent
    c.close();
  });

  it('keeps what it could not send, bounded, and sends it when back online', async () => {
    const c = client();
    online = false;
    c.string('color', '');
    for (let i = 0; i < 800; i++) c.track(`e${i}`);
    await c.flush();
    online = true;
    api.calls.length = 0;
    await c.flush();
    const batches = posted().filter((b) => b.events.length);
    const events = batches.flatMap((b) => b.events);
    expect(events).toHaveLength(500);
    expect(events.at(-1).name).toBe('e799');
    expect(batches.flatMap((b) => b.evaluations)).toEqual([{ flag: 'color', variant: 'b', count: 1 }]);
    c.close();
  });

  it('sends with sendBeacon when the page is hidden, the key in the URL', () => {
    const beacons: [string, string][] = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      configurable: true,
      value: (url: string, body: string) => beacons.push([url, body]) > 0,
    });
    const c = client();
    c.track('bye');
    window.dispatchEvent(new Event('pagehide'));
    expect(beacons[0][0]).toBe('http://flags.test/sdk/v1/events?key=sy_client_test');
    expect(JSON.parse(beacons[0][1]).events[0].name).toBe('bye');
    c.close();
  });

  it('sends nothing when analytics are off', async () => {
    const c = client({ analytics: false });
    c.string('color', '');
    c.track('x');
    await c.flush();
    await vi.advanceTimersByTimeAsync(30000);
    expect(posted()).toHaveLength(0);
    c.close();
  });

  for (const status of [401, 403]) {
    it(`stops sending and drops what it holds when the server answers ${status}`, async () => {
      let refused = false;
      api = fakeFetch((call) =>
        refused && call.url.endsWith('/sdk/v1/events') ? { status } : { status: 202 },
      );
      const c = client();
      refused = true;
      c.string('color', '');
      await vi.advanceTimersByTimeAsync(10000);
      expect(posted()).toHaveLength(1);
      c.string('color', '');
      c.track('after');
      await vi.advanceTimersByTimeAsync(60000);
      await c.flush();
      expect(posted()).toHaveLength(1);
      c.close();
    });
  }
});
