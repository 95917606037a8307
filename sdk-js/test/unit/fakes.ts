// Test doubles for the browser's transports, driven by the test.

export class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: any[] = [];
  onopen: ((e?: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: ((e?: unknown) => void) | null = null;
  closedByClient = false;

  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  static get last(): FakeSocket {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.closedByClient = true;
    this.readyState = 3;
  }
  // the server's side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(m: unknown) {
    this.onmessage?.({ data: typeof m === 'string' ? m : JSON.stringify(m) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** Fails before it ever opens, as when the server is down or WebSockets are blocked. */
  refuse() {
    this.onerror?.();
    this.drop(1006);
  }
}

export class FakeEventSource {
  static all: FakeEventSource[] = [];
  listeners: Record<string, ((e: any) => void)[]> = {};
  closed = false;
  constructor(public url: string) {
    FakeEventSource.all.push(this);
  }
  static get last(): FakeEventSource {
    return FakeEventSource.all[FakeEventSource.all.length - 1];
  }
  addEventListener(type: string, fn: (e: any) => void) {
    (this.listeners[type] = this.listeners[type] || []).push(fn);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data?: unknown) {
    const e = data === undefined ? {} : { data: typeof data === 'string' ? data : JSON.stringify(data) };
    for (const fn of this.listeners[type] || []) fn(e);
  }
}

export interface Call {
  url: string;
  init: any;
}

/** A fetch that answers with what `respond` returns (status, body, headers), recording calls. */
export function fakeFetch(respond: (c: Call) => { status: number; body?: unknown; headers?: Record<string, string> } | Error) {
  const calls: Call[] = [];
  const f = async (url: string, init: any) => {
    const c = { url, init };
    calls.push(c);
    const r = respond(c);
    if (r instanceof Error) throw r;
    const headers = new Map(Object.entries(r.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      status: r.status,
      ok: r.status >= 200 && r.status < 300,
      headers: { get: (k: string) => headers.get(k.toLowerCase()) ?? null },
      json: async () => r.body,
    };
  };
  return { fetch: f as unknown as typeof fetch, calls };
}

export const flag = (value: unknown, variant = String(value), reason = 'STATIC') => ({ value, variant, reason });

export function reset() {
  FakeSocket.all = [];
  FakeEventSource.all = [];
  localStorage.clear();
}
