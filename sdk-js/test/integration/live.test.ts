// @vitest-environment node
// The SDK against a real `switchyard serve`: values, live changes, polling, restarts, analytics.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Options, type SwitchyardClient } from '../../src/index';
// @ts-expect-error: plain JavaScript shared with the browser tests
import { Switchyard, tenant } from '../support/server.mjs';

let server: any;
let t: any;
const clients: SwitchyardClient[] = [];

function client(extra: Partial<Options> = {}) {
  const c = init({
    clientKey: t.clientKey,
    baseUrl: server.base,
    context: { targetingKey: 'user-1', plan: 'pro' },
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    cache: false,
    random: () => 0.2,
    ...extra,
  });
  clients.push(c);
  return c;
}

/** The next `change:<flag>` value. */
const nextValue = (c: SwitchyardClient, flag: string) =>
  new Promise((ok) => {
    const off = c.on(`change:${flag}`, (d) => {
      off();
      ok(d.value);
    });
  });

beforeAll(async () => {
  server = await Switchyard.start();
  t = await tenant(server.base);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('against switchyard serve', () => {
  it('streams values over WebSocket and delivers an admin change as a change event', async () => {
    const c = client();
    await expect(c.ready()).resolves.toEqual({ beta: false, color: 'blue' });
    expect(c.status).toMatchObject({ source: 'network', transport: 'ws', ready: true });
    expect(c.detail('beta', true)).toMatchObject({ value: false, variant: 'off' });
    const changed = nextValue(c, 'beta');
    await t.set('beta', 'off', { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on', 'off'] });
    await expect(changed).resolves.toBe(true);
    expect(c.detail('beta', false)).toMatchObject({ value: true, variant: 'on', reason: 'TARGETING_MATCH' });
    expect(c.string('color', 'x')).toBe('blue');
  });

  it('identifies: a new context gets its own values', async () => {
    const c = client();
    await c.ready();
    expect(c.boolean('beta', false)).toBe(true);
    await c.identify({ targetingKey: 'user-2', plan: 'free' });
    expect(c.boolean('beta', true)).toBe(false);
  });

  it('polls OFREP when streaming is off, and sees changes', async () => {
    const c = client({ streaming: false, pollInterval: 200 });
    await c.ready();
    expect(c.status.transport).toBe('poll');
    expect(c.string('color', '')).toBe('blue');
    const changed = nextValue(c, 'color');
    await t.set('color', 'green');
    await expect(changed).resolves.toBe('green');
  });

  it('recovers from a server restart and converges on what changed after it', async () => {
    const c = client();
    await c.ready();
    const before = c.string('color', '');
    await server.stop();
    await server.run();
    const next = before === 'green' ? 'blue' : 'green';
    const changed = nextValue(c, 'color');
    await t.set('color', next);
    await expect(changed).resolves.toBe(next);
    expect(c.status.transport).toBe('ws');
  });

  it('sends evaluation counts and events that the dashboard API then reports', async () => {
    // Custom events count where the environment turns them on.
    await t.call('PATCH', `/api/v1/projects/${t.project}/environments/${t.env}`, { customEvents: true });
    const c = client();
    await c.ready();
    for (let i = 0; i < 5; i++) c.boolean('beta', false);
    c.track('signup');
    await c.flush();
    await server.stop(); // a graceful stop writes what the server gathered
    await server.run();
    const r = await t.call('GET', `/api/v1/projects/${t.project}/environments/${t.env}/flags/beta/evaluations?hours=2`);
    const counted = r.rows.filter((x: any) => x.flag === 'beta').reduce((n: number, x: any) => n + x.count, 0);
    expect(counted).toBeGreaterThanOrEqual(5);
    const all = await t.call('GET', `/api/v1/projects/${t.project}/environments/${t.env}/evaluations?hours=2`);
    expect(all.events.some((x: any) => x.name === 'signup' && x.count === 1)).toBe(true);
  });

  it('reports a refused key and keeps answering defaults', async () => {
    const c = client({ clientKey: 'sy_client_not-a-key', readyTimeout: 1000 });
    const error = new Promise<Error>((ok) => c.on('error', ok));
    expect((await error).message).toMatch(/refused/);
    expect(c.boolean('beta', true)).toBe(true);
  });
});
