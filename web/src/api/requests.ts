/** Change requests of a project: list, read, open, edit, review, apply, withdraw, refresh, comment. */
import { useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, seg } from './client';
import { FALLBACK_POLL_MS, liveQuery, whenFeedDown } from './live';
import type { ChangeRequest, NewRequest, Page, RequestComment, RequestPatch, RequestStatus, RequestView } from './types';

export const requestKeys = {
  all: (project: string) => ['projects', project, 'requests'] as const,
  list: (project: string, status: RequestStatus | null) => ['projects', project, 'requests', 'list', status ?? 'all'] as const,
  one: (project: string, id: string) => ['projects', project, 'requests', 'one', id] as const,
};

const base = (project: string) => `/api/v1/projects/${seg(project)}/change-requests`;
const one = (project: string, id: string) => `${base(project)}/${seg(id)}`;

/** One page of requests, newest first; `status` narrows them. */
export function listRequests(project: string, status: RequestStatus | null, cursor?: string | null, limit = 50, signal?: AbortSignal) {
  const q = new URLSearchParams();
  if (status) q.set('status', status);
  if (cursor) q.set('cursor', cursor);
  q.set('limit', String(limit));
  return api.get<Page<ChangeRequest>>(`${base(project)}?${q}`, { signal });
}

/** The requests in one status (or all), a page at a time: `loadMore` follows `next`. */
export function useRequests(project: string, status: RequestStatus | null) {
  const q = useInfiniteQuery({
    queryKey: requestKeys.list(project, status),
    queryFn: ({ pageParam, signal }) => listRequests(project, status, pageParam, 50, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
    enabled: !!project,
    ...liveQuery,
  });
  const items = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  return {
    items,
    loaded: !!q.data,
    error: q.error,
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: () => {
      if (q.hasNextPage && !q.isFetchingNextPage) void q.fetchNextPage();
    },
  };
}

/** The statuses in which a request can still change (a project holds at most 100 such). */
export const ACTIVE_STATUSES: RequestStatus[] = ['open', 'approved', 'conflicted'];

/** Every active request of a project (open, approved, conflicted), newest first. */
export function useActiveRequests(project: string | undefined, { interval = FALLBACK_POLL_MS }: { interval?: number } = {}) {
  const qs = useQueries({
    queries: ACTIVE_STATUSES.map((status) => ({
      queryKey: [...requestKeys.list(project ?? '', status), 'active'],
      queryFn: ({ signal }: { signal: AbortSignal }) => listRequests(project!, status, null, 100, signal),
      enabled: !!project,
      refetchInterval: whenFeedDown(interval),
      refetchOnWindowFocus: true,
    })),
  });
  const items = qs.flatMap((q) => q.data?.items ?? []).sort((a, b) => b.createdAt - a.createdAt);
  return {
    items,
    loaded: qs.every((q) => !!q.data),
    error: qs.find((q) => q.error)?.error ?? null,
  };
}

export function useRequest(project: string, id: string) {
  return useQuery({
    queryKey: requestKeys.one(project, id),
    queryFn: ({ signal }) => api.get<RequestView>(one(project, id), { signal }),
    enabled: !!project && !!id,
    ...liveQuery,
  });
}

export const openRequest = (project: string, b: NewRequest) => api.post<ChangeRequest>(base(project), b);

/** Edits a request last seen at `b.version`; every approval is withdrawn. */
export const editRequest = (project: string, id: string, b: RequestPatch) => api.patch<ChangeRequest>(one(project, id), b);

/** Approves the request's `revision` (the one the reviewer read). */
export const approveRequest = (project: string, id: string, b: { revision: number; comment?: string }) =>
  api.post<ChangeRequest>(`${one(project, id)}/approve`, b);

export const rejectRequest = (project: string, id: string, b: { revision: number; comment?: string }) =>
  api.post<ChangeRequest>(`${one(project, id)}/reject`, b);

/** Applies the request's `revision`; an owner may give `bypassReason` where the policy allows it. */
export const applyRequest = (project: string, id: string, b: { revision: number; bypassReason?: string }) =>
  api.post<ChangeRequest>(`${one(project, id)}/apply`, b);

export const withdrawRequest = (project: string, id: string, version: number) =>
  api.post<ChangeRequest>(`${one(project, id)}/withdraw`, { version });

/** Moves a conflicted request onto what is stored now (approvals withdrawn). */
export const refreshRequest = (project: string, id: string, version: number) =>
  api.post<ChangeRequest>(`${one(project, id)}/refresh`, { version });

export const commentOnRequest = (project: string, id: string, text: string) =>
  api.post<RequestComment>(`${one(project, id)}/comments`, { text });
