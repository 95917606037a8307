import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, seg } from './client';
import { liveQuery } from './live';
import type { AuditEntry } from './types';

export interface AuditFilter {
  project?: string;
  target?: string;
  actor?: string;
  limit?: number;
}

interface AuditPage {
  items: AuditEntry[];
  next: string | null;
}

function query(f: AuditFilter, cursor?: string | null): string {
  const q = new URLSearchParams();
  if (f.project) q.set('project', f.project);
  if (f.target) q.set('target', f.target);
  if (f.actor) q.set('actor', f.actor);
  q.set('limit', String(f.limit ?? 50));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export const auditPage = (org: string, f: AuditFilter, cursor?: string | null) =>
  api.get<AuditPage>(`/api/v1/orgs/${seg(org)}/audit?${query(f, cursor)}`);

/** The newest entries (one page), polled. */
export function useRecentAudit(org: string, f: AuditFilter, enabled = true) {
  return useQuery({
    queryKey: ['orgs', org, 'audit', 'recent', f],
    queryFn: () => auditPage(org, f),
    enabled,
    ...liveQuery,
  });
}

/** The audit log, page after page. */
export function useAuditPages(org: string, f: AuditFilter) {
  return useInfiniteQuery({
    queryKey: ['orgs', org, 'audit', 'pages', f],
    queryFn: ({ pageParam }) => auditPage(org, f, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    refetchInterval: 5000,
    refetchOnWindowFocus: true,
  });
}
