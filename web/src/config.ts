/** Runtime configuration, fetched from /config.json at startup (never compiled in). */
export interface AppConfig {
  /** Where the dashboard API lives; empty: the same origin as the page. */
  apiBaseUrl: string;
  /** Where the SDK endpoints (/sdk, /ofrep) live; empty: the API's origin. */
  realtimeUrl: string;
  /** Where the change feed (/api/v1/orgs/{org}/events) lives; empty: the API's origin. In AWS
   * it is a Lambda function URL that streams, since API Gateway buffers responses. */
  feedUrl: string;
}

const SAME_ORIGIN: AppConfig = { apiBaseUrl: '', realtimeUrl: '', feedUrl: '' };

let current: AppConfig = SAME_ORIGIN;

function clean(v: unknown): string {
  return typeof v === 'string' ? v.trim().replace(/\/+$/, '') : '';
}

/** Loads /config.json; a missing file, a 404 or anything unreadable means "same origin". */
export async function loadConfig(fetchFn: typeof fetch = fetch): Promise<AppConfig> {
  try {
    const res = await fetchFn('/config.json', { cache: 'no-store' });
    if (res.ok) {
      const body = (await res.json()) as Partial<AppConfig>;
      current = {
        apiBaseUrl: clean(body.apiBaseUrl),
        realtimeUrl: clean(body.realtimeUrl),
        feedUrl: clean(body.feedUrl),
      };
      return current;
    }
  } catch {
    // not JSON (an SPA fallback page) or unreachable: same origin
  }
  current = SAME_ORIGIN;
  return current;
}

export function config(): AppConfig {
  return current;
}

export function setConfig(c: AppConfig): void {
  current = c;
}

/** The origin SDK snippets should point at (the realtime server, else the API, else this page). */
export function sdkBaseUrl(): string {
  return current.realtimeUrl || current.apiBaseUrl || window.location.origin;
}
