/**
 * Webhooks, Slack and Microsoft Teams endpoints of an organization, and their deliveries
 * (`/api/v1/orgs/{org}/webhooks`, docs/webhooks.md). Admins only. The shapes are in types.ts.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, seg } from './client';
import { polledQuery } from './live';
import type { Delivery, DeliveryPage, NewWebhook, Webhook, WebhookPatch, WebhookWithSecret } from './types';

// ---- Event types ----------------------------------------------------------------------------

/** The event types an endpoint can ask for (docs/webhooks.md), with what each covers. */
export const WEBHOOK_EVENTS: { value: string; help: string }[] = [
  { value: 'flag.changed', help: 'a flag created, edited, archived or deleted' },
  { value: 'segment.changed', help: 'a segment changed' },
  { value: 'state.changed', help: 'a flag turned on or off, or its targeting changed, copied, restored or imported' },
  { value: 'key.created', help: 'an SDK key or API token created' },
  { value: 'key.rotated', help: 'an SDK key rotated' },
  { value: 'key.revoked', help: 'an SDK key or API token revoked' },
  { value: 'member.changed', help: 'members and invitations' },
  { value: 'project.changed', help: 'a project changed' },
  { value: 'environment.changed', help: 'an environment created or changed' },
  { value: 'organization.changed', help: 'the organization changed' },
  { value: 'webhook.changed', help: 'a webhook endpoint changed' },
  { value: 'change_request.opened', help: 'a change request opened' },
  { value: 'change_request.approved', help: 'a change request approved' },
  { value: 'change_request.applied', help: 'a change request applied' },
  { value: 'change_request.rejected', help: 'a change request rejected' },
  { value: 'change_request.conflicted', help: 'a change request could not apply: something it changes moved' },
  { value: 'change_request.updated', help: 'a change request edited, refreshed, commented on or withdrawn' },
  { value: 'schedule.applied', help: 'a scheduled change applied' },
  { value: 'schedule.failed', help: 'a scheduled change failed' },
  { value: 'webhook.test', help: 'the "Send test event" button' },
  { value: 'change.other', help: 'any other change' },
  { value: 'account.activity', help: 'members signing in (or failing to), signing out, password and two-factor changes; only when chosen' },
];

// ---- Requests -------------------------------------------------------------------------------

export const webhookKeys = {
  list: (org: string) => ['orgs', org, 'webhooks'] as const,
  one: (org: string, id: string) => ['orgs', org, 'webhooks', id] as const,
  deliveries: (org: string, id: string) => ['orgs', org, 'webhooks', id, 'deliveries'] as const,
};

const base = (org: string) => `/api/v1/orgs/${seg(org)}/webhooks`;
const one = (org: string, id: string) => `${base(org)}/${seg(id)}`;

export function useWebhooks(org: string, enabled = true) {
  return useQuery({
    queryKey: webhookKeys.list(org),
    queryFn: () => api.get<{ items: Webhook[] }>(base(org)),
    enabled: enabled && !!org,
    ...polledQuery,
  });
}

export const getWebhook = (org: string, id: string) => api.get<Webhook>(one(org, id));

export function useWebhook(org: string, id: string, enabled = true) {
  return useQuery({
    queryKey: webhookKeys.one(org, id),
    queryFn: () => getWebhook(org, id),
    enabled: enabled && !!org && !!id,
    ...polledQuery,
  });
}

export const createWebhook = (org: string, b: NewWebhook) => api.post<WebhookWithSecret>(base(org), b);

export const updateWebhook = (org: string, id: string, b: WebhookPatch) => api.patch<Webhook>(one(org, id), b);

/** Deletes the endpoint; its pending deliveries are dropped. */
export const deleteWebhook = (org: string, id: string) => api.del(one(org, id));

/** A new secret now; the old one stays valid for `overlapSeconds` (default 86400, at most 604800). */
export const rotateWebhookSecret = (org: string, id: string, overlapSecs?: number) =>
  api.post<WebhookWithSecret>(`${one(org, id)}/rotate`, overlapSecs === undefined ? {} : { overlapSeconds: overlapSecs });

/** Queues a `webhook.test` event for the endpoint. */
export const testWebhook = (org: string, id: string) => api.post<Delivery>(`${one(org, id)}/test`);

/** Sends a delivery again, with the same message id. */
export const redeliver = (org: string, id: string, delivery: string) =>
  api.post<Delivery>(`${one(org, id)}/deliveries/${seg(delivery)}/redeliver`);

/** How many deliveries one page asks for. */
export const DELIVERY_PAGE_SIZE = 25;

export const deliveriesPage = (org: string, id: string, limit = DELIVERY_PAGE_SIZE, cursor?: string | null, signal?: AbortSignal) => {
  const q = new URLSearchParams();
  if (cursor) q.set('cursor', cursor);
  q.set('limit', String(limit));
  return api.get<DeliveryPage>(`${one(org, id)}/deliveries?${q}`, { signal });
};

/** The pages read so far as one list, each delivery once (it may move between pages as it is sent). */
export function flattenDeliveries(pages: DeliveryPage[] | undefined): Delivery[] {
  const seen = new Set<string>();
  const out: Delivery[] = [];
  for (const p of pages ?? []) {
    for (const d of p.items) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      out.push(d);
    }
  }
  return out;
}

/** The delivery log in the API's order: the first page, and each following page on `loadMore`. */
export function useDeliveries(org: string, id: string, { enabled = true, limit = DELIVERY_PAGE_SIZE }: { enabled?: boolean; limit?: number } = {}) {
  const q = useInfiniteQuery({
    queryKey: [...webhookKeys.deliveries(org, id), limit],
    queryFn: ({ pageParam, signal }) => deliveriesPage(org, id, limit, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
    enabled: enabled && !!org && !!id,
    ...polledQuery,
  });
  const items = useMemo(() => flattenDeliveries(q.data?.pages), [q.data]);
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
