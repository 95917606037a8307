/**
 * The audit log page's filters, kept in the URL so that a filtered view can be shared:
 * `?project={id}&environment={key}&actor=user:…&flag={key}&from=YYYY-MM-DD&to=YYYY-MM-DD`
 * (`target` too, for links that name one). Read from the query, written back to it, turned into
 * the API's filter, and said in words.
 */
import dayjs from 'dayjs';
import type { AuditFilter } from '../../api/audit';

export interface LogFilters {
  project?: string;
  /** The environment's key (within `project`). */
  environment?: string;
  /** `user:…`, `token:…` or `system:…`. */
  actor?: string;
  /** A flag's (or a segment's) key: what the API's `key` matches. */
  flag?: string;
  /** Such as `flag:checkout`; only from links. */
  target?: string;
  /** Days, inclusive, as `YYYY-MM-DD`. */
  from?: string;
  to?: string;
}

export const FILTER_PARAMS = ['project', 'environment', 'actor', 'flag', 'target', 'from', 'to'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s: string) => DAY.test(s) && dayjs(s).isValid() && dayjs(s).format('YYYY-MM-DD') === s;

/** The filters a URL query holds (blank, or a day that is not one, counts as absent). */
export function filtersFromParams(p: URLSearchParams): LogFilters {
  const f: LogFilters = {};
  for (const name of FILTER_PARAMS) {
    const v = p.get(name)?.trim();
    if (!v) continue;
    if ((name === 'from' || name === 'to') && !isDay(v)) continue;
    f[name] = v;
  }
  // An environment belongs to a project: without one it cannot be read.
  if (!f.project) delete f.environment;
  return f;
}

/** The query with these filter changes (undefined or blank removes one); other parameters kept. */
export function withFilters(p: URLSearchParams, changes: Partial<LogFilters>): URLSearchParams {
  const next = new URLSearchParams(p);
  for (const [name, v] of Object.entries(changes)) {
    if (typeof v === 'string' && v.trim()) next.set(name, v.trim());
    else next.delete(name);
  }
  if (!next.get('project')) next.delete('environment');
  return next;
}

/** The query without any filter. */
export const withoutFilters = (p: URLSearchParams) => withFilters(p, Object.fromEntries(FILTER_PARAMS.map((n) => [n, undefined])));

export const hasFilters = (f: LogFilters) => FILTER_PARAMS.some((n) => !!f[n]);

/** What the API is asked: the environment by id, days as a time range (to the end of `to`). */
export function apiFilter(f: LogFilters, environmentId: string | undefined): AuditFilter {
  return {
    project: f.project,
    environment: f.project && f.environment ? environmentId : undefined,
    actor: f.actor,
    key: f.flag,
    target: f.target,
    from: f.from ? dayjs(f.from).startOf('day').valueOf() : undefined,
    to: f.to ? dayjs(f.to).add(1, 'day').startOf('day').valueOf() : undefined,
  };
}

/** What names a summary needs. */
export interface FilterNames {
  project?: (id: string) => string | undefined;
  environment?: (key: string) => string | undefined;
  actor?: (actor: string) => string | undefined;
}

const day = (s: string) => dayjs(s).format('D MMM YYYY');

/**
 * The filtered view in words: "Changes to flag checkout in production (Storefront) by Ada, from
 * 1 Dec 2026 to 3 Dec 2026"; "Every recorded change" without filters.
 */
export function filterSummary(f: LogFilters, names: FilterNames = {}): string {
  const parts: string[] = [f.flag ? `Changes to ${f.flag}` : f.target ? `Changes to ${f.target}` : 'Changes'];
  const project = f.project ? (names.project?.(f.project) ?? 'the chosen project') : null;
  if (f.environment) parts.push(`in ${names.environment?.(f.environment) ?? f.environment}${project ? ` (${project})` : ''}`);
  else if (project) parts.push(`in ${project}`);
  if (f.actor) parts.push(`by ${names.actor?.(f.actor) ?? 'the chosen actor'}`);
  if (f.from && f.to) parts.push(f.from === f.to ? `on ${day(f.from)}` : `from ${day(f.from)} to ${day(f.to)}`);
  else if (f.from) parts.push(`since ${day(f.from)}`);
  else if (f.to) parts.push(`until ${day(f.to)}`);
  return parts.length === 1 && !f.flag && !f.target ? 'Every recorded change' : parts.join(' ');
}
