/** API errors in plain words. */
import { ApiError } from '../api/client';

export interface ErrorText {
  title: string;
  message: string;
  /** Per-field problems (422), each with where it is. */
  problems: { path: string; message: string }[];
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Ends a sentence with a full stop unless it has one. */
function sentence(s: string): string {
  const t = capitalise(s.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * The 403 code of any organization request from an owner or admin without two-factor sign-in,
 * in an organization that requires it.
 */
export const TWO_FACTOR_SETUP_REQUIRED = 'two_factor_setup_required';

/** Whether the API refused because the organization requires two-factor sign-in the caller lacks. */
export function needsTwoFactorSetup(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403 && err.code === TWO_FACTOR_SETUP_REQUIRED;
}

/**
 * The organization that keeps two-factor sign-in on (a 409 to turning it off, where the caller is
 * one of its owners or admins), or null for any other error.
 */
export function orgRequiringTwoFactor(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const org = (err.details as { organization?: unknown } | null)?.organization;
  return typeof org === 'string' ? org : null;
}

export function describeError(err: unknown): ErrorText {
  if (!(err instanceof ApiError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { title: 'Something went wrong', message: capitalise(message), problems: [] };
  }
  const message = capitalise(err.message);
  switch (err.status) {
    case 0:
      return { title: 'No connection', message, problems: [] };
    case 400:
      return { title: 'The request was not understood', message, problems: [] };
    case 401:
      return { title: 'Not signed in', message, problems: [] };
    case 403:
      if (err.code === 'approval_required') return { title: 'Approval required', message: sentence(err.message), problems: [] };
      if (err.code === TWO_FACTOR_SETUP_REQUIRED) return { title: 'Two-factor sign-in required', message: sentence(err.message), problems: [] };
      return { title: 'Not allowed', message: `${sentence(err.message)} Ask an admin of this organization for access.`, problems: [] };
    case 404:
      return { title: 'Not found', message: `${message}: it may have been deleted, or you may not have access.`, problems: [] };
    case 409: {
      const v = err.currentVersion;
      return {
        title: 'Changed by someone else',
        message: v === null ? sentence(err.message) : `${sentence(err.message)} The current version is ${v}.`,
        problems: [],
      };
    }
    case 413:
      return { title: 'Too large', message, problems: [] };
    case 422:
      return { title: 'Please fix the following', message, problems: err.problems };
    case 429: {
      const after = (err.details as { retryAfter?: number } | null)?.retryAfter;
      return {
        title: 'Too many attempts',
        message: after ? `Too many attempts. Try again in ${after} seconds.` : message,
        problems: [],
      };
    }
    default:
      return { title: 'The server had a problem', message: `${sentence(err.message)} Try again in a moment.`, problems: [] };
  }
}

/** The problems whose path lies at or under `prefix` (a JSON Pointer). */
export function problemsUnder(err: unknown, prefix: string): { path: string; message: string }[] {
  if (!(err instanceof ApiError)) return [];
  return err.problems.filter((p) => p.path === prefix || p.path.startsWith(prefix + '/'));
}

/** The message for one field of a 422 (path `/field`), if any. */
export function fieldError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  return err.problems.find((p) => p.path === `/${field}` || p.path.startsWith(`/${field}/`))?.message;
}
