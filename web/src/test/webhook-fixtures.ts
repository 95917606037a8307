/** Webhook endpoints and deliveries as the API sends them (docs/webhooks.md), and the org around them, for the tests. */
import type { Role } from '../api/types';
import type { Delivery, Webhook } from '../api/types';

export const ORG = 'o1';
export const HOOKS = `/api/v1/orgs/${ORG}/webhooks`;
export const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

export function hook(over: Partial<Webhook> = {}): Webhook {
  return {
    id: 'w1',
    orgId: ORG,
    kind: 'standard',
    url: 'https://example.com/hooks/switchyard',
    description: 'deploy bot',
    filter: { projects: [], environments: [], tags: [], events: [] },
    enabled: true,
    disabledAt: null,
    disabledReason: null,
    failingSince: null,
    secrets: [{ prefix: 'whsec_AbCd', createdAt: T0, expiresAt: null }],
    createdAt: T0,
    createdBy: 'user:u1',
    updatedAt: T0,
    version: 3,
    ...over,
  };
}

export function delivery(over: Partial<Delivery> = {}): Delivery {
  return {
    id: 'msg_1',
    messageId: 'msg_1',
    webhookId: 'w1',
    event: 'state.changed',
    changeId: '00000000000000000042',
    state: 'delivered',
    attempts: [{ at: T0 + 1000, status: 200, durationMs: 12, error: null, response: 'ok' }],
    nextAttemptAt: null,
    createdAt: T0,
    deliveredAt: T0 + 1000,
    body: JSON.stringify({ type: 'state.changed', timestamp: '2026-12-03T10:00:00.000Z', data: { summary: 'Ada turned on checkout in Production (Web shop)' } }),
    ...over,
  };
}

/** The routes every webhook page reads besides the webhooks: who I am (my role), members, projects, environments. */
export function orgRoutes(role: Role = 'admin') {
  return {
    'GET /api/v1/auth/me': [
      200,
      { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [{ organization: { id: ORG, name: 'Acme', createdAt: 0 }, role }] },
    ],
    [`GET /api/v1/orgs/${ORG}/members`]: [200, [{ userId: 'u1', email: 'ada@example.com', name: 'Ada', role }]],
    [`GET /api/v1/orgs/${ORG}/projects`]: [200, { items: [{ id: 'p1', orgId: ORG, name: 'Storefront', createdAt: 0 }], next: null }],
    'GET /api/v1/projects/p1/environments': [
      200,
      [
        { id: 'e1', orgId: ORG, projectId: 'p1', key: 'development', name: 'development', revision: 1, allowedOrigins: [], createdAt: 0 },
        { id: 'e2', orgId: ORG, projectId: 'p1', key: 'production', name: 'production', revision: 1, allowedOrigins: [], createdAt: 0 },
      ],
    ],
  } satisfies Record<string, [number, unknown]>;
}
