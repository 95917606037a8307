import { Backoff, RESET_AFTER } from './backoff';
import { contextMessage, encodeContext, HASH_HEADER, parse, type Message } from './protocol';
import type { Context, Evaluation, Streaming } from './types';

export type Mode = 'ws' | 'sse' | 'poll';

/** What the connection asks of the client. */
export interface Handler {
  context(): Context;
  /** Secure mode's hash of the context's targetingKey, if the page was given one. */
  hash(): string | undefined;
  /** Applies a message; false when the client saw a gap and needs a snapshot. */
  message(m: Message, fresh: boolean): boolean;
  /** Every flag, as polled from OFREP. */
  polled(flags: Record<string, Evaluation>): void;
  /** The key or origin was refused: nothing will work until the page changes it. */
  fatal(message: string): void;
  error(message: string): void;
}

export interface Transports {
  WebSocket?: typeof WebSocket;
  EventSource?: typeof EventSource;
  fetch?: typeof fetch;
}

/** Silence for this long means the connection is dead (the server pings every 25 s). */
const WATCHDOG = 60000;
/** The server closes a WebSocket that sends nothing for 120 s. */
const PING = 30000;

interface Open {
  close(): void;
  send?(m: object): void;
}

/**
 * Keeps one live transport: WebSocket first, SSE if that never works, then OFREP polling.
 * Every failure reconnects with backoff and full jitter; every connection starts with a snapshot.
 */
export class Connection {
  private modes: Mode[];
  private index = 0;
  /** Transports that have worked here: a later failure is the server or network, not a block. */
  private worked = new Set<Mode>();
  private backoff: Backoff;
  private current: Open | null = null;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private awaitingSnapshot = true;
  private etag: string | null = null;
  private pollNow: (() => void) | null = null;

  constructor(
    private base: string,
    private key: string,
    streaming: Streaming,
    private pollInterval: number,
    private h: Handler,
    private t: Transports,
    random?: () => number,
  ) {
    const all: Mode[] = streaming === true ? ['ws', 'sse', 'poll'] : streaming === false ? ['poll'] : [streaming];
    this.modes = all.filter((m) => (m === 'ws' ? t.WebSocket : m === 'sse' ? t.EventSource : t.fetch));
    this.backoff = new Backoff(random);
  }

  get mode(): Mode | undefined {
    return this.current ? this.modes[this.index] : undefined;
  }

  start(): void {
    if (!this.modes.length) return this.h.fatal('no transport: this environment has no WebSocket, EventSource or fetch');
    this.connect();
  }

  /** The context changed: a new snapshot for it. */
  identify(): void {
    const c = this.current;
    if (c && c.send) {
      this.awaitingSnapshot = true;
      c.send(contextMessage('identify', this.h.context(), this.h.hash()));
    } else if (this.pollNow) {
      this.etag = null;
      this.pollNow();
    } else if (c) {
      this.restart();
    }
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.drop();
  }

  private drop(): void {
    this.generation++;
    this.pollNow = null;
    const c = this.current;
    this.current = null;
    if (c) c.close();
  }

  private restart(): void {
    this.drop();
    this.connect();
  }

  private resync(): void {
    const c = this.current;
    if (c && c.send) {
      this.awaitingSnapshot = true;
      c.send({ type: 'resync' });
    } else if (!this.pollNow) {
      this.restart();
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    const mode = this.modes[this.index];
    const alive = () => gen === this.generation && !this.stopped;
    let opened = 0;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => down(), WATCHDOG);
    };
    const down = (code?: number) => {
      if (!alive()) return;
      clearTimeout(watchdog);
      this.drop();
      this.failed(mode, opened, code);
    };
    const onText = (text: unknown) => {
      if (!alive()) return;
      const m = parse(text);
      if (!m) return down(); // malformed: drop the connection; the next one starts with a snapshot
      arm();
      if (m.type === 'error') return this.h.error(m.message || 'the server reported an error');
      const fresh = m.type === 'snapshot' && this.awaitingSnapshot;
      if (fresh) {
        this.awaitingSnapshot = false;
        opened = opened || Date.now();
        this.worked.add(mode);
      }
      if (!this.h.message(m, fresh)) this.resync();
    };
    this.awaitingSnapshot = true;
    arm();
    const open = mode === 'ws' ? this.ws(onText, down) : mode === 'sse' ? this.sse(onText, down) : null;
    if (open) {
      const close = open.close;
      open.close = () => {
        clearTimeout(watchdog);
        close();
      };
      this.current = open;
      return;
    }
    clearTimeout(watchdog);
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    this.current = { close: () => clearTimeout(pollTimer) };
    const tick = async () => {
      clearTimeout(pollTimer);
      const wait = await this.poll(alive);
      if (!alive()) return;
      if (wait < 0) return down();
      opened = opened || Date.now();
      // Polling as a fallback tries streaming again now and then.
      if (this.modes.length > 1 && Date.now() - opened >= RESET_AFTER) return down();
      pollTimer = setTimeout(tick, wait);
    };
    this.pollNow = () => void tick();
    void tick();
  }

  private failed(mode: Mode, opened: number, code?: number): void {
    if (code === 1008) return this.h.fatal('the server refused this client key or origin');
    if (!opened && !this.worked.has(mode) && this.index < this.modes.length - 1) {
      this.index++; // this transport never worked here: try the next one at once
      return this.connect();
    }
    if (opened && Date.now() - opened >= RESET_AFTER) this.backoff.reset();
    if ((!opened && !this.worked.has(mode)) || mode === 'poll') this.index = 0;
    this.timer = setTimeout(() => this.connect(), this.backoff.next());
  }

  private url(path: string): string {
    return `${this.base}${path}?key=${encodeURIComponent(this.key)}`;
  }

  private ws(onText: (t: unknown) => void, down: (code?: number) => void): Open {
    const ws = new this.t.WebSocket!(this.url('/sdk/v1/ws').replace(/^http/, 'ws'));
    const send = (m: object) => {
      if (ws.readyState === 1) ws.send(JSON.stringify(m));
    };
    const pinger = setInterval(() => send({ type: 'ping' }), PING);
    ws.onopen = () => send(contextMessage('hello', this.h.context(), this.h.hash()));
    ws.onmessage = (e) => onText(e.data);
    ws.onerror = () => {}; // a close event follows
    ws.onclose = (e) => {
      clearInterval(pinger);
      down(e.code);
    };
    return {
      send,
      close: () => {
        clearInterval(pinger);
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        try {
          ws.close(1000);
        } catch {
          // already closed
        }
      },
    };
  }

  private sse(onText: (t: unknown) => void, down: () => void): Open {
    const hash = this.h.hash();
    const es = new this.t.EventSource!(
      `${this.url('/sdk/v1/sse')}&context=${encodeContext(this.h.context())}${hash ? `&hash=${encodeURIComponent(hash)}` : ''}`,
    );
    const on = (e: MessageEvent) => onText(e.data);
    for (const type of ['snapshot', 'changes', 'ping', 'pong', 'message']) es.addEventListener(type, on as EventListener);
    // A server `error` message carries data; a transport failure does not.
    es.addEventListener('error', (e) => ((e as MessageEvent).data ? on(e as MessageEvent) : down()));
    return { close: () => es.close() };
  }

  /** One OFREP bulk evaluation; the wait before the next, or -1 on failure. */
  private async poll(alive: () => boolean): Promise<number> {
    try {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${this.key}`,
      };
      if (this.etag) headers['If-None-Match'] = this.etag;
      const hash = this.h.hash();
      if (hash) headers[HASH_HEADER] = hash;
      const r = await this.t.fetch!(`${this.base}/ofrep/v1/evaluate/flags`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ context: this.h.context() }),
      });
      if (!alive()) return -1;
      if (r.status === 401 || r.status === 403) {
        this.h.fatal(await refusal(r));
        return -1;
      }
      if (r.status === 429) return Math.max(1, Number(r.headers.get('Retry-After')) || 1) * 1000;
      if (r.status === 304) return this.pollInterval;
      if (!r.ok) return -1;
      const body = await r.json();
      if (!alive() || !body || !Array.isArray(body.flags)) return -1;
      const flags: Record<string, Evaluation> = {};
      for (const f of body.flags) if (f && typeof f.key === 'string') flags[f.key] = f;
      this.etag = r.headers.get('ETag');
      this.h.polled(flags);
      return this.pollInterval;
    } catch {
      return -1;
    }
  }
}

/** Why the server refused this client: its own words when it gave them (a refused origin says
 * which origin and what to do), else the status. */
async function refusal(r: Response): Promise<string> {
  let details: unknown;
  try {
    details = (await r.json())?.errorDetails;
  } catch {
    // OFREP's 401 and 403 have no body
  }
  return typeof details === 'string' && details
    ? `the server refused this client: ${details}`
    : `the server refused this client key (HTTP ${r.status})`;
}
