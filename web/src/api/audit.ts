import { useQuery } from '@tanstack/react-query';
import { api, seg } from './client';
import type { AuditEntry } from './types';

export interface AuditFilter {
  project?: string;
  target?: string;
  actor?: string;
}

interface AuditPage {
  items: AuditEntry[];
  next: string | null;
}

function query(f: AuditFilter, limit: number, cursor?: string | null): string {
  const q = new URLSearchParams();
  if (f.project) q.set('project', f.project);
  if (f.target) q.set('target', f.target);
  if (f.actor) q.set('actor', f.actor);
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export const auditPage = (org: string, f: AuditFilter, limit: number, cursor?: string | null) =>
  api.get<AuditPage>(`/api/v1/orgs/${seg(org)}/audit?${query(f, limit, cursor)}`);

/**
 * The matching audit entries, newest first. The API pages the log oldest first and has no
 * "newest first" order (see web/API-NEEDS.md), so this reads every page, up to `cap` entries.
 */
export async function auditNewestFirst(org: string, f: AuditFilter, cap = 10_000): Promise<AuditEntry[]> {
  const items: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: AuditPage = await auditPage(org, f, 500, cursor);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < cap);
  return items.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export function useAudit(org: string, f: AuditFilter, { enabled = true, interval = 5000 } = {}) {
  return useQuery({
    queryKey: ['orgs', org, 'audit', f],
    queryFn: () => auditNewestFirst(org, f),
    enabled: enabled && !!org,
    refetchInterval: interval,
    refetchOnWindowFocus: true,
  });
}
