/** JSON values, as flag variants hold them. */
export type JsonValue = boolean | number | string | null | JsonValue[] | { [key: string]: JsonValue };

/** The evaluation context: `targetingKey` and any attributes. */
export type Context = { targetingKey?: string; [attribute: string]: unknown };

/** One flag as the server evaluated it for this client's context (OFREP-shaped). */
export interface Evaluation {
  /** Absent: use the code default (a disabled flag, or no default variant). */
  value?: JsonValue;
  variant?: string;
  reason?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** What a getter resolved, OpenFeature's resolution detail. */
export interface Detail<T> {
  flagKey: string;
  value: T;
  variant?: string;
  /** STATIC, DEFAULT, TARGETING_MATCH, SPLIT, DISABLED, CACHED (not yet confirmed), ERROR. */
  reason: string;
  errorCode?: string;
  errorMessage?: string;
}

/** Where the values the client holds came from. */
export type Source = 'none' | 'bootstrap' | 'cache' | 'network';

export type Streaming = boolean | 'ws' | 'sse' | 'poll';

export interface Options {
  /** The environment's client key (public; safe in a web page). */
  clientKey: string;
  /** The realtime server, e.g. `https://flags.example.com`; default: where the script came from. */
  baseUrl?: string;
  /** The evaluation context; change it later with `identify`. */
  context?: Context;
  /**
   * Secure mode: hex HMAC-SHA256 of `context.targetingKey` with the environment's secure-mode
   * secret, computed by your server and rendered into the page (give the new one to `identify`).
   */
  hash?: string;
  /** Values rendered by your server, used synchronously: `{flag: value}` or `{flag: Evaluation}`. */
  bootstrap?: Record<string, JsonValue | Evaluation>;
  /** Keep the last values in localStorage and use them at once on the next page load (default true). */
  cache?: boolean;
  /** true (default): WebSocket, then SSE, then polling; or one transport; false: poll only. */
  streaming?: Streaming;
  /** Polling interval when polling, in ms (default 30,000). */
  pollInterval?: number;
  /** `ready()` resolves after this many ms at the latest (default 3,000). */
  readyTimeout?: number;
  /** Send evaluation counts and `track` events (default true). */
  analytics?: boolean;
  /** Analytics flush interval in ms (default 10,000). */
  flushInterval?: number;
  /** For environments without these globals (tests, Node): implementations to use. */
  WebSocket?: typeof WebSocket;
  EventSource?: typeof EventSource;
  fetch?: typeof fetch;
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Source of randomness for reconnect jitter (tests). */
  random?: () => number;
}
