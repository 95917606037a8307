import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SwitchyardProvider } from '../../src/openfeature';
import { FakeEventSource, FakeSocket, fakeFetch, flag, reset } from './fakes';

beforeEach(() => reset());
afterEach(async () => {
  await OpenFeature.clearProviders();
});

describe('SwitchyardProvider', () => {
  it('resolves through the OpenFeature web SDK and emits configuration changes', async () => {
    const provider = new SwitchyardProvider({
      clientKey: 'sy_client_test',
      baseUrl: 'http://flags.test',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      EventSource: FakeEventSource as unknown as typeof EventSource,
      fetch: fakeFetch(() => new Error('x')).fetch,
      analytics: false,
    });
    const ready = OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.last;
    ws.open();
    expect(ws.sent[0]).toEqual({ type: 'hello', context: { targetingKey: 'user-1' } });
    ws.receive({ type: 'snapshot', revision: 1, flags: { checkout: flag(true, 'on', 'TARGETING_MATCH'), n: flag(3) } });
    await ready;

    const client = OpenFeature.getClient();
    expect(client.getBooleanValue('checkout', false)).toBe(true);
    expect(client.getBooleanDetails('checkout', false)).toMatchObject({ value: true, variant: 'on', reason: 'TARGETING_MATCH' });
    expect(client.getStringDetails('n', 'x')).toMatchObject({ value: 'x', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(client.getNumberDetails('missing', 7)).toMatchObject({ value: 7, errorCode: 'FLAG_NOT_FOUND' });

    const changed = vi.fn();
    client.addHandler(ProviderEvents.ConfigurationChanged, changed);
    ws.receive({ type: 'changes', revision: 2, base: 1, flags: { checkout: flag(false, 'off', 'DEFAULT') }, removed: [] });
    await vi.waitFor(() => expect(changed).toHaveBeenCalled());
    expect(changed.mock.calls[0][0].flagsChanged).toEqual(['checkout']);
    expect(client.getBooleanValue('checkout', true)).toBe(false);

    const switched = OpenFeature.setContext({ targetingKey: 'user-2' });
    await vi.waitFor(() => expect(ws.sent.at(-1)).toEqual({ type: 'identify', context: { targetingKey: 'user-2' } }));
    ws.receive({ type: 'snapshot', revision: 2, flags: { checkout: flag(true, 'on', 'SPLIT') } });
    await switched;
    expect(client.getBooleanDetails('checkout', false)).toMatchObject({ value: true, reason: 'SPLIT' });
  });
});
