import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, seg } from './client';
import type { AuditEntry, AuditPage } from './types';

/** What `GET /api/v1/orgs/{org}/audit` filters on (all optional; times are Unix ms). */
export interface AuditFilter {
  project?: string;
  environment?: string;
  /** Such as `flag:new-checkout` or `environment:production`. */
  target?: string;
  /** Changes that touched this flag or segment key, whatever their target (imports too). */
  key?: string;
  /** Such as `user:…`, `token:…` or `system:…`. */
  actor?: string;
  /** From this time, inclusive. */
  from?: number;
  /** Until this time, exclusive. */
  to?: number;
}

/** How many entries one page asks for. */
export const AUDIT_PAGE_SIZE = 50;


export function auditQuery(f: AuditFilter, limit: number, cursor?: string | null): string {
  const q = new URLSearchParams();
  if (f.project) q.set('project', f.project);
  if (f.environment) q.set('environment', f.environment);
  if (f.target) q.set('target', f.target);
  if (f.key) q.set('key', f.key);
  if (f.actor) q.set('actor', f.actor);
  if (f.from !== undefined) q.set('from', String(f.from));
  if (f.to !== undefined) q.set('to', String(f.to));
  if (cursor) q.set('cursor', cursor);
  q.set('limit', String(limit));
  return q.toString();
}

/** One page of the log, newest first; `next` is the cursor of the following (older) page. */
export const auditPage = (org: string, f: AuditFilter, limit = AUDIT_PAGE_SIZE, cursor?: string | null, signal?: AbortSignal) =>
  api.get<AuditPage>(`/api/v1/orgs/${seg(org)}/audit?${auditQuery(f, limit, cursor)}`, { signal });

/** The pages read so far, in order, as one list (an entry seen twice is shown once). */
export function flattenPages(pages: AuditPage[] | undefined): AuditEntry[] {
  const seen = new Set<string>();
  const out: AuditEntry[] = [];
  for (const p of pages ?? []) {
    for (const e of p.items) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    }
  }
  return out;
}

export interface AuditOptions {
  enabled?: boolean;
  /** Poll interval in ms (every page read so far is read again, from the newest). */
  interval?: number;
  limit?: number;
  /** Keep the last list on screen while a new filter's first page loads. */
  keepPrevious?: boolean;
}

/**
 * The matching audit entries, newest first, as the API pages them: the first page, and each
 * older page once `loadMore` is called.
 */
export function useAudit(org: string, f: AuditFilter, { enabled = true, interval = 5000, limit = AUDIT_PAGE_SIZE, keepPrevious = false }: AuditOptions = {}) {
  const q = useInfiniteQuery({
    queryKey: ['orgs', org, 'audit', f, limit],
    queryFn: ({ pageParam, signal }) => auditPage(org, f, limit, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
    enabled: enabled && !!org,
    refetchInterval: interval,
    refetchOnWindowFocus: true,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
  const entries = useMemo(() => flattenPages(q.data?.pages), [q.data]);
  return {
    entries,
    /** The first page has arrived. */
    loaded: !!q.data,
    error: q.error,
    isPending: q.isPending,
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: () => {
      if (q.hasNextPage && !q.isFetchingNextPage) void q.fetchNextPage();
    },
  };
}

/**
 * One entry of the organization's log by its id, the change record's id (webhook, Slack and Teams
 * messages link to `/orgs/{org}/audit?change={id}`). A 404 when the organization has no such entry.
 */
export const auditEntry = (org: string, id: string, signal?: AbortSignal) =>
  api.get<AuditEntry>(`/api/v1/orgs/${seg(org)}/audit/${seg(id)}`, { signal });

/** The entry `id` of the organization's log (none asked for while `id` is empty). */
export function useAuditEntry(org: string, id: string | null | undefined) {
  return useQuery({
    queryKey: ['orgs', org, 'audit', 'entry', id ?? ''],
    queryFn: ({ signal }) => auditEntry(org, id!, signal),
    enabled: !!org && !!id,
    // A change record is never rewritten: read once.
    staleTime: Infinity,
  });
}
