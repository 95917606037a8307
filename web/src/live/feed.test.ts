// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangeEvent } from './change';
import { backoff, type FeedStatus, openFeed } from './feed';

const enc = new TextEncoder();
const record = (seq: number) => `id: ${seq}\nevent: change\ndata: {"id":"${seq}","action":"flag_state.update","keys":["hero"]}\n\n`;

/** A server side for one connection: push text, end it. */
function stream() {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
  return {
    response: () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    send: (text: string) => ctl.enqueue(enc.encode(text)),
    end: () => ctl.close(),
  };
}

interface Call {
  headers: Record<string, string>;
}

/** A feed against a scripted server: each connection takes the next answer. */
function feed(answers: (() => Response | Promise<Response>)[], opts: { idleMs?: number } = {}) {
  const calls: Call[] = [];
  const changes: ChangeEvent[] = [];
  const statuses: FeedStatus[] = [];
  let reopened = 0;
  const fetchFn = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ headers: init?.headers as Record<string, string> });
    const next = answers.shift();
    if (!next) return new Promise<Response>(() => {});
    return next();
  });
  const f = openFeed({
    url: 'http://api.test/api/v1/orgs/o1/events',
    token: () => 'jwt',
    onChange: (c) => changes.push(c),
    onStatus: (s) => statuses.push(s),
    onReopen: () => reopened++,
    fetchFn: fetchFn as unknown as typeof fetch,
    delay: () => 5,
    idleMs: opts.idleMs,
  });
  return { calls, changes, statuses, reopened: () => reopened, close: f.close };
}

let close: (() => void) | null = null;
afterEach(() => close?.());

describe('the change feed connection', () => {
  it('asks for the event stream with the bearer token and hands on each change', async () => {
    const s = stream();
    const f = feed([s.response]);
    close = f.close;
    s.send(record(41));
    s.send(': keep-alive\n\n');
    await vi.waitFor(() => expect(f.changes.map((c) => c.id)).toEqual(['41']));
    expect(f.calls[0].headers).toMatchObject({ Authorization: 'Bearer jwt', Accept: 'text/event-stream' });
    expect(f.calls[0].headers['Last-Event-ID']).toBeUndefined();
    expect(f.statuses).toEqual(['up']);
  });

  it('reconnects after the stream ends, resuming after the last event id, and says it reopened once', async () => {
    const [a, b] = [stream(), stream()];
    const f = feed([a.response, b.response]);
    close = f.close;
    a.send(record(42));
    await vi.waitFor(() => expect(f.changes).toHaveLength(1));
    expect(f.reopened()).toBe(0);
    a.end();
    await vi.waitFor(() => expect(f.calls).toHaveLength(2));
    expect(f.calls[1].headers['Last-Event-ID']).toBe('42');
    await vi.waitFor(() => expect(f.reopened()).toBe(1));
    expect(f.statuses).toEqual(['up', 'down', 'up']);
  });

  it('stops on a 401 without retrying: the session signs out', async () => {
    const f = feed([() => new Response('{}', { status: 401 }), stream().response]);
    close = f.close;
    await vi.waitFor(() => expect(f.statuses).toEqual(['stopped']));
    await new Promise((r) => setTimeout(r, 30));
    expect(f.calls).toHaveLength(1);
  });

  it('stops where the server has no feed (a 404, or an answer that is not an event stream)', async () => {
    const a = feed([() => new Response('{}', { status: 404 })]);
    const b = feed([() => new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } })]);
    await vi.waitFor(() => expect([a.statuses, b.statuses]).toEqual([['stopped'], ['stopped']]));
    a.close();
    b.close();
  });

  it('retries after a network error or a 5xx, and is down meanwhile', async () => {
    const s = stream();
    const f = feed([() => Promise.reject(new TypeError('failed to fetch')), () => new Response('', { status: 503 }), s.response]);
    close = f.close;
    await vi.waitFor(() => expect(f.statuses).toEqual(['down', 'down', 'up']));
    expect(f.reopened()).toBe(0);
  });

  it('starts at "now" when the server refuses the id to resume after', async () => {
    const [a, b] = [stream(), stream()];
    const f = feed([a.response, () => new Response('{}', { status: 400 }), b.response]);
    close = f.close;
    a.send(record(7));
    await vi.waitFor(() => expect(f.changes).toHaveLength(1));
    a.end();
    await vi.waitFor(() => expect(f.calls).toHaveLength(3));
    expect([f.calls[1].headers['Last-Event-ID'], f.calls[2].headers['Last-Event-ID']]).toEqual(['7', undefined]);
    await vi.waitFor(() => expect(f.reopened()).toBe(1));
  });

  it('drops a stream that stays silent and opens it again', async () => {
    const [a, b] = [stream(), stream()];
    const f = feed([a.response, b.response], { idleMs: 20 });
    close = f.close;
    await vi.waitFor(() => expect(f.calls).toHaveLength(2));
    expect(f.statuses.slice(0, 2)).toEqual(['up', 'down']);
  });

  it('says nothing more once closed', async () => {
    const s = stream();
    const f = feed([s.response]);
    await vi.waitFor(() => expect(f.statuses).toEqual(['up']));
    f.close();
    await new Promise((r) => setTimeout(r, 30));
    expect(f.statuses).toEqual(['up']);
    expect(f.calls).toHaveLength(1);
  });

  it('backs off 1 s, 2 s, 4 s … up to 30 s, with some jitter', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoff(n, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoff(0, () => 0)).toBe(800);
    expect(backoff(0, () => 1)).toBe(1200);
  });
});
