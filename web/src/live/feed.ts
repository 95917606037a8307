/**
 * The connection to an organization's change feed (`GET /api/v1/orgs/{org}/events`, Server-Sent
 * Events with the bearer token, so read with `fetch` and a stream reader). It reconnects with
 * backoff and `Last-Event-ID`, says when it reopened (changes may have been missed meanwhile),
 * treats a silent stream as dropped (keep-alives come every 15 s), and stops for good on a 401 or
 * 403 (the session handles signing out) or where the server has no feed.
 */
import { type ChangeEvent, parseChange } from './change';
import { type SseItem, SseParser } from './sse';

/** `connecting`: the first attempt; `up`: reading; `down`: waiting to retry; `stopped`: given up. */
export type FeedStatus = 'connecting' | 'up' | 'down' | 'stopped';

export interface FeedOptions {
  url: string;
  /** The session's token now (read again on every attempt). */
  token: () => string | null;
  onChange: (c: ChangeEvent) => void;
  onStatus: (s: FeedStatus, reason?: string) => void;
  /** The feed is up again after a drop: whatever changed meanwhile may have been missed. */
  onReopen: () => void;
  fetchFn?: typeof fetch;
  /** Milliseconds to wait before retry number `attempt` (0-based). */
  delay?: (attempt: number) => number;
  /** A stream silent this long is dropped and opened again. */
  idleMs?: number;
}

export const MAX_BACKOFF_MS = 30_000;
/** A connection up at least this long resets the backoff when it drops. */
const STEADY_MS = 10_000;

/** 1 s, 2 s, 4 s … up to 30 s, each ±20 % so that many tabs do not retry in step. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

function isEventStream(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

export function openFeed(o: FeedOptions): { close(): void } {
  const fetchFn = o.fetchFn ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const delay = o.delay ?? backoff;
  const idleMs = o.idleMs ?? 45_000;
  const parser = new SseParser();
  let closed = false;
  let opened = false;
  let attempt = 0;
  let retryHint = 0;
  let current: AbortController | null = null;
  let reading: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** Ends the connection at hand (a fetch's abort does not always reach a body already reading). */
  const hangUp = () => {
    current?.abort();
    reading?.cancel().catch(() => {});
  };
  let timer: ReturnType<typeof setTimeout> | null = null;

  const status = (s: FeedStatus, why?: string) => {
    if (!closed) o.onStatus(s, why);
  };
  const stop = (why: string) => status('stopped', why);
  const retry = (why: string, slow = false) => {
    if (closed) return;
    status('down', why);
    const ms = slow ? MAX_BACKOFF_MS : Math.max(delay(attempt), retryHint);
    attempt++;
    timer = setTimeout(() => void connect(), ms);
  };
  const handle = (item: SseItem) => {
    if (item.kind === 'retry') retryHint = Math.min(item.ms, MAX_BACKOFF_MS);
    if (item.kind !== 'event' || item.event !== 'change') return;
    const c = parseChange(item.data);
    if (c) o.onChange(c);
  };

  async function connect(): Promise<void> {
    timer = null;
    if (closed) return;
    const token = o.token();
    if (!token) return stop('signed out');
    const ctl = new AbortController();
    current = ctl;
    const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
    if (parser.lastEventId) headers['Last-Event-ID'] = parser.lastEventId;
    let res: Response;
    try {
      res = await fetchFn(o.url, { headers, signal: ctl.signal, cache: 'no-store' });
    } catch {
      return retry('the change feed could not be reached');
    }
    if (closed) return;
    if (res.status === 401 || res.status === 403) return stop(`the change feed answered ${res.status}`);
    if (res.status === 404 || res.status === 405 || (res.ok && (!isEventStream(res) || !res.body))) return stop('this server has no change feed');
    if (res.status === 400 && parser.lastEventId) {
      // The id to resume after was refused: start at "now"; the reopen refreshes everything.
      parser.forgetId();
      return retry('the change feed refused the id to resume after');
    }
    if (!res.ok) return retry(`the change feed answered ${res.status}`, res.status === 429);

    const since = Date.now();
    status('up');
    if (opened) o.onReopen();
    opened = true;
    const reader = res.body!.getReader();
    reading = reader;
    const decoder = new TextDecoder();
    let idle: ReturnType<typeof setTimeout> | null = null;
    const watch = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(hangUp, idleMs);
    };
    watch();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        watch();
        for (const item of parser.push(decoder.decode(value, { stream: true }))) handle(item);
      }
    } catch {
      // aborted (closed, or silent too long) or the connection broke
    }
    if (idle) clearTimeout(idle);
    reading = null;
    parser.end();
    if (Date.now() - since >= STEADY_MS) attempt = 0;
    retry('the change feed closed');
  }

  void connect();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      hangUp();
    },
  };
}
