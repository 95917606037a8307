/** Most evaluation counters and custom events held while the server cannot be reached. */
const MAX_COUNTERS = 500;
const MAX_EVENTS = 500;
/** The server takes at most 1,000 items per batch. */
const MAX_BATCH = 1000;

interface TrackedEvent {
  name: string;
  data?: unknown;
  timestamp: number;
}

/**
 * Evaluation counts per flag and variant, and `track` events, sent in batches to
 * `/sdk/v1/events`: on an interval, on `flush()`, and with `sendBeacon` when the page is hidden.
 */
export class Analytics {
  private counts = new Map<string, number>();
  private events: TrackedEvent[] = [];
  private stopped = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private onHide = (e: Event) => {
    if (e.type === 'pagehide' || document.visibilityState === 'hidden') this.beacon();
  };

  constructor(
    private url: string,
    private clientKey: string,
    private fetchImpl: typeof fetch | undefined,
    interval: number,
  ) {
    this.timer = setInterval(() => void this.flush(), interval);
    if (typeof addEventListener === 'function') {
      addEventListener('pagehide', this.onHide);
      addEventListener('visibilitychange', this.onHide);
    }
  }

  count(flag: string, variant: string | undefined, n = 1): void {
    if (this.stopped) return;
    const k = `${flag}\n${variant === undefined ? '' : variant}`;
    if (this.counts.has(k) || this.counts.size < MAX_COUNTERS) this.counts.set(k, (this.counts.get(k) || 0) + n);
  }

  track(name: string, data?: unknown, timestamp = Date.now()): void {
    if (this.stopped) return;
    this.events.push({ name, data, timestamp });
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  /** Takes up to one batch of what is pending. */
  private take(): { evaluations: object[]; events: TrackedEvent[] } | null {
    if (!this.counts.size && !this.events.length) return null;
    const evaluations: object[] = [];
    for (const [k, count] of this.counts) {
      if (evaluations.length >= MAX_BATCH) break;
      const [flag, variant] = k.split('\n');
      evaluations.push(variant ? { flag, variant, count } : { flag, count });
      this.counts.delete(k);
    }
    const events = this.events.splice(0, MAX_BATCH - evaluations.length);
    return { evaluations, events };
  }

  /** Puts a batch back after a failed send (the bounds still hold). */
  private restore(batch: { evaluations: any[]; events: TrackedEvent[] }): void {
    for (const e of batch.evaluations) this.count(e.flag, e.variant, e.count);
    this.events = batch.events.concat(this.events).slice(-MAX_EVENTS);
  }

  /** Sends nothing more and drops what is pending (the server refused the key). */
  stop(): void {
    this.stopped = true;
    this.counts.clear();
    this.events = [];
    this.close();
  }

  async flush(): Promise<void> {
    const f = this.stopped ? undefined : this.fetchImpl;
    let batch;
    while (f && (batch = this.take())) {
      try {
        const r = await f(this.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-API-Key': this.clientKey },
          body: JSON.stringify(batch),
          keepalive: true,
        });
        // A refused key (revoked, or an origin not allowed) will not be taken later: stop.
        if (r.status === 401 || r.status === 403) return this.stop();
        // A batch the server refuses as invalid is dropped; anything else is retried later.
        if (!r.ok && r.status !== 400 && r.status !== 413) return this.restore(batch);
      } catch {
        return this.restore(batch);
      }
    }
  }

  /** On page hide: the browser sends it even as the page goes away. */
  beacon(): void {
    if (this.stopped) return;
    const send = typeof navigator !== 'undefined' && navigator.sendBeacon && navigator.sendBeacon.bind(navigator);
    if (!send) return void this.flush();
    let batch;
    const url = `${this.url}?key=${encodeURIComponent(this.clientKey)}`;
    while ((batch = this.take())) if (!send(url, JSON.stringify(batch))) return this.restore(batch);
  }

  close(): void {
    clearInterval(this.timer);
    if (typeof removeEventListener === 'function') {
      removeEventListener('pagehide', this.onHide);
      removeEventListener('visibilitychange', this.onHide);
    }
  }
}
