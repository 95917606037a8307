import { Analytics } from './analytics';
import { cacheKey, defaultStorage, load, save, type Storage_ } from './cache';
import { Connection } from './connection';
import { Emitter } from './emitter';
import type { Message } from './protocol';
import type { Context, Detail, Evaluation, JsonValue, Options, Source } from './types';

type Kind = 'boolean' | 'string' | 'number' | 'object';

const kindOf = (v: unknown): Kind | undefined => {
  const t = typeof v;
  return t === 'boolean' || t === 'string' || t === 'number' ? t : v !== null && t === 'object' ? 'object' : undefined;
};

const isEvaluation = (v: unknown): v is Evaluation =>
  kindOf(v) === 'object' && !Array.isArray(v) && ('value' in (v as object) || 'variant' in (v as object));

const same = (a: Evaluation | undefined, b: Evaluation | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The browser client: holds this context's evaluated flags, kept current by a `Connection`.
 * Getters are synchronous and never throw.
 */
export class SwitchyardClient {
  private flags: Record<string, Evaluation> = {};
  private revision = -1;
  private source: Source = 'none';
  private ctx: Context;
  private events = new Emitter();
  private connection: Connection;
  private analytics: Analytics | null = null;
  private storage: Storage_ | null;
  private isReady = false;
  private readyPromise: Promise<Record<string, JsonValue>>;
  private snapshotWaiters: (() => void)[] = [];
  private closed = false;
  /** Secure mode's hash of the context's targetingKey. */
  private secureHash: string | undefined;

  constructor(private options: Options) {
    if (!options || typeof options.clientKey !== 'string' || !options.clientKey) {
      throw new TypeError('Switchyard.init: clientKey is required');
    }
    const base = (options.baseUrl || '').replace(/\/+$/, '');
    this.ctx = { ...(options.context || {}) };
    this.secureHash = options.hash;
    this.storage = options.cache === false ? null : options.storage !== undefined ? options.storage : defaultStorage();
    if (options.bootstrap) {
      for (const k in options.bootstrap) {
        const v = options.bootstrap[k];
        this.flags[k] = isEvaluation(v) ? v : { value: v as JsonValue, reason: 'STATIC' };
      }
      this.source = 'bootstrap';
    } else this.useCache();
    const g = globalThis as any;
    const fetchImpl: typeof fetch | undefined = options.fetch || (g.fetch && g.fetch.bind(g));
    this.connection = new Connection(
      base,
      options.clientKey,
      options.streaming === undefined ? true : options.streaming,
      options.pollInterval || 30000,
      {
        context: () => this.ctx,
        hash: () => this.secureHash,
        message: (m, fresh) => this.message(m, fresh),
        polled: (flags) => this.snapshot(flags, this.revision),
        fatal: (msg) => {
          this.fail(msg);
          this.connection.close();
          this.analytics?.stop();
        },
        error: (msg) => this.fail(msg),
      },
      {
        WebSocket: options.WebSocket || g.WebSocket,
        EventSource: options.EventSource || g.EventSource,
        fetch: fetchImpl,
      },
      options.random,
    );
    if (options.analytics !== false) {
      this.analytics = new Analytics(`${base}/sdk/v1/events`, options.clientKey, fetchImpl, options.flushInterval || 10000);
    }
    this.readyPromise = new Promise((resolve) => {
      const done = () => {
        if (!this.isReady) {
          this.isReady = true;
          this.events.emit('ready', this.all());
        }
        resolve(this.all());
      };
      this.snapshotWaiters.push(done);
      setTimeout(done, options.readyTimeout || 3000);
    });
    this.connection.start();
  }

  /** Resolves once the network has answered, or at `readyTimeout` with what the client has. */
  ready(): Promise<Record<string, JsonValue>> {
    return this.readyPromise;
  }

  /** Where the current values came from: `cache` values are shown until the network confirms. */
  get status(): { source: Source; revision: number; transport?: string; ready: boolean } {
    return { source: this.source, revision: this.revision, transport: this.connection.mode, ready: this.isReady };
  }

  boolean(key: string, fallback: boolean): boolean {
    return this.resolve(key, fallback, 'boolean').value;
  }
  string(key: string, fallback: string): string {
    return this.resolve(key, fallback, 'string').value;
  }
  number(key: string, fallback: number): number {
    return this.resolve(key, fallback, 'number').value;
  }
  object<T extends JsonValue>(key: string, fallback: T): T {
    return this.resolve(key, fallback, 'object').value;
  }
  /** Value, variant and reason; the type expected is the fallback's (null: any type). */
  detail<T extends JsonValue>(key: string, fallback: T): Detail<T> {
    return this.resolve(key, fallback, kindOf(fallback));
  }

  /** Every flag that has a value: `{key: value}`. */
  all(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const k in this.flags) if (this.flags[k].value !== undefined) out[k] = this.flags[k].value!;
    return out;
  }

  /** `ready`, `change` (keys), `change:<key>` (detail), `error` (Error). Returns an unsubscribe. */
  on(event: string, fn: (...args: any[]) => void): () => void {
    return this.events.on(event, fn);
  }
  off(event: string, fn: (...args: any[]) => void): void {
    this.events.off(event, fn);
  }

  /**
   * A new context (a user signed in): cached values for it at once, then a fresh snapshot. In
   * secure mode, pass the new context's hash too.
   */
  identify(context: Context, options?: { hash?: string }): Promise<void> {
    this.ctx = { ...(context || {}) };
    this.secureHash = options?.hash;
    this.useCache();
    const answered = new Promise<void>((resolve) => {
      this.snapshotWaiters.push(resolve);
      setTimeout(resolve, this.options.readyTimeout || 3000);
    });
    this.connection.identify();
    return answered;
  }

  track(event: string, data?: unknown): void {
    if (this.analytics && typeof event === 'string' && event) this.analytics.track(event, data);
  }

  flush(): Promise<void> {
    return this.analytics ? this.analytics.flush() : Promise.resolve();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
    if (this.analytics) {
      this.analytics.beacon();
      this.analytics.close();
    }
  }

  private resolve<T>(key: string, fallback: T, kind: Kind | undefined): Detail<T> {
    const f = this.flags[key];
    if (!f) {
      const errorCode = this.source === 'none' ? 'PROVIDER_NOT_READY' : 'FLAG_NOT_FOUND';
      return { flagKey: key, value: fallback, reason: 'ERROR', errorCode };
    }
    if (this.analytics) this.analytics.count(key, f.variant);
    if (f.errorCode) {
      return { flagKey: key, value: fallback, reason: 'ERROR', errorCode: f.errorCode, errorMessage: f.errorMessage };
    }
    const reason = this.source === 'cache' ? 'CACHED' : f.reason || 'UNKNOWN';
    if (f.value === undefined || f.value === null) return { flagKey: key, value: fallback, variant: f.variant, reason };
    if (kind && kindOf(f.value) !== kind) {
      const errorMessage = `flag ${key} is a ${kindOf(f.value)}, not a ${kind}`;
      return { flagKey: key, value: fallback, reason: 'ERROR', errorCode: 'TYPE_MISMATCH', errorMessage };
    }
    return { flagKey: key, value: f.value as T, variant: f.variant, reason };
  }

  private useCache(): void {
    const c = this.storage && load(this.storage, this.cacheKey());
    if (c && this.source !== 'bootstrap') this.replace(c.flags, -1, 'cache');
  }

  private cacheKey(): string {
    return cacheKey(this.options.clientKey, this.ctx.targetingKey);
  }

  private message(m: Message, fresh: boolean): boolean {
    if (m.type === 'snapshot') {
      // A snapshot asked for always applies; a stray one only if it is not older.
      if (fresh || m.revision >= this.revision) this.snapshot(m.flags, m.revision);
      return true;
    }
    if (m.type !== 'changes' || m.revision <= this.revision) return true;
    if (m.base !== this.revision) return false;
    const next = { ...this.flags };
    for (const k in m.flags) next[k] = m.flags[k];
    for (const k of m.removed) delete next[k];
    this.replace(next, m.revision, 'network');
    this.persist();
    return true;
  }

  private snapshot(flags: Record<string, Evaluation>, revision: number): void {
    this.replace(flags, revision, 'network');
    this.persist();
    const waiters = this.snapshotWaiters;
    this.snapshotWaiters = [];
    for (const w of waiters) w();
  }

  private persist(): void {
    save(this.storage, this.cacheKey(), { revision: this.revision, flags: this.flags });
  }

  /** Swaps in new values and tells listeners what changed. */
  private replace(flags: Record<string, Evaluation>, revision: number, source: Source): void {
    const before = this.flags;
    this.flags = flags;
    this.revision = revision;
    this.source = source;
    const changed: string[] = [];
    for (const k in before) if (!same(before[k], flags[k])) changed.push(k);
    for (const k in flags) if (!(k in before)) changed.push(k);
    if (!changed.length) return;
    for (const k of changed) this.events.emit(`change:${k}`, this.peek(k));
    this.events.emit('change', changed);
  }

  /** A flag's detail for listeners, without counting an evaluation. */
  private peek(key: string): Detail<JsonValue | undefined> {
    const f = this.flags[key];
    if (!f) return { flagKey: key, value: undefined, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' };
    return { flagKey: key, value: f.value, variant: f.variant, reason: f.reason || 'UNKNOWN', errorCode: f.errorCode };
  }

  private fail(message: string): void {
    this.events.emit('error', new Error(message));
  }
}
