/** The one place that talks HTTP to the dashboard API: JSON in and out, bearer token, errors. */
import { config } from '../config';

export interface Problem {
  /** A JSON Pointer to what is wrong, such as `/variants/0/name` or `/flags/x/targeting/if/0`. */
  path: string;
  message: string;
}

/** An error answer from the API (`{"error": {"code", "message", "details"}}`), or no answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The per-field problems of a 422. */
  get problems(): Problem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is Problem => !!d && typeof d === 'object' && typeof (d as Problem).message === 'string',
    );
  }

  /** The version the server holds now (409 on a stale write). */
  get currentVersion(): number | null {
    const d = this.details as { currentVersion?: unknown } | null;
    return d && typeof d.currentVersion === 'number' ? d.currentVersion : null;
  }
}

const TOKEN_KEY = 'switchyard.token';
type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

export function getToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) window.localStorage.setItem(TOKEN_KEY, token);
  else window.localStorage.removeItem(TOKEN_KEY);
}

/** Called when the API says the session is over (401 on an authenticated call). */
export function onUnauthorized(l: Listener): () => void {
  unauthorizedListeners.add(l);
  return () => unauthorizedListeners.delete(l);
}

export function apiUrl(path: string): string {
  return config().apiBaseUrl + path;
}

export interface RequestOptions {
  /** Send no bearer token (sign-in, sign-up). */
  anonymous?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A 401 here answers the request (a wrong current password), it does not end the session. */
  keepSessionOn401?: boolean;
}

async function readError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (e && typeof e.message === 'string') {
    return new ApiError(res.status, e.code ?? 'error', e.message, e.details ?? null);
  }
  return new ApiError(res.status, 'http', `the server answered ${res.status} ${res.statusText}`.trim());
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = opts.anonymous ? null : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const err = await readError(res);
    if (res.status === 401 && token && !opts.keepSessionOn401) unauthorizedListeners.forEach((l) => l());
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/** Encodes one path segment. */
export const seg = encodeURIComponent;
