/** The flags list as the tests show it: one flag, its states per environment, a scripted API and feed. */
import { Notifications } from '@mantine/notifications';
import { Route, Routes } from 'react-router';
import { vi } from 'vitest';
import type { FlagStateView } from '../../api/flags';
import type { Environment } from '../../api/types';
import { LiveProvider } from '../../live/LiveProvider';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV, MEMBERS } from '../../test/request-fixtures';
import FlagsList from './FlagsList';

const DAY = 86_400_000;
export const MIN = 60_000;

export const flag = {
  projectId: 'p1',
  key: 'checkout',
  name: 'Checkout',
  type: 'boolean',
  variants: [{ name: 'on', value: true }, { name: 'off', value: false }],
  tags: [],
  archived: false,
  version: 1,
  createdAt: Date.now() - 60 * DAY,
  createdBy: 'user:ada',
  updatedAt: Date.now() - 60 * DAY,
  updatedBy: 'user:ada',
};

export const prerequisites = [{ flag: 'beta', variants: ['on'] }];
export const rules = { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on', null] };

/** checkout's state in an environment: on, one rule and a prerequisite, changed by Ada 2 minutes ago. */
export function state(over: Partial<FlagStateView> = {}): FlagStateView {
  return {
    environmentId: 'e-dev',
    flagKey: 'checkout',
    enabled: true,
    defaultVariant: 'off',
    targeting: rules,
    prerequisites,
    version: 6,
    updatedBy: 'user:ada',
    updatedByName: 'Ada',
    updatedAt: Date.now() - 2 * MIN,
    ...over,
  };
}

/** Production without an approval policy, marked critical (as the server creates it). */
export const PROD_OPEN: Environment = { id: 'e-prod', orgId: 'o1', projectId: 'p1', key: 'production', name: 'production', revision: 9, allowedOrigins: [], createdAt: 0, critical: true };

const enc = new TextEncoder();

/** The organization's change feed, written to by the test. */
export function feedServer() {
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  return {
    respond: () =>
      new Response(new ReadableStream<Uint8Array>({ start: (c) => void streams.push(c) }), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    connected: () => streams.length > 0,
    send: (data: Record<string, unknown>) => streams.at(-1)!.enqueue(enc.encode(`id: ${data.id}\nevent: change\ndata: ${JSON.stringify(data)}\n\n`)),
  };
}

type Routes = Parameters<typeof fakeFetch>[0];

/**
 * The list at `envKey` of development and `envs`, each environment's states from `states`
 * (a function so a test can change them), with routes added or replaced by `extra`.
 */
export function showList({
  envs = [DEV],
  envKey = 'development',
  states = (env: string) => [state({ environmentId: env })],
  evaluations = 0,
  extra = {},
  feed,
}: { envs?: Environment[]; envKey?: string; states?: (env: string) => FlagStateView[]; evaluations?: number; extra?: Routes; feed?: ReturnType<typeof feedServer> } = {}) {
  const routes: Routes = {
    'GET /api/v1/auth/me': [200, { user: { id: 'bob', email: 'bob@example.com', name: 'Bob', createdAt: 0 }, memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role: 'editor' }] }],
    'GET /api/v1/orgs/o1/members': [200, MEMBERS],
    'GET /api/v1/projects/p1/environments': [200, envs],
    'GET /api/v1/projects/p1/flags': [200, { items: [flag], next: null }],
    'GET /api/v1/projects/p1/ramps': [200, { items: [] }],
    ...Object.fromEntries(envs.map((e) => [`GET /api/v1/projects/p1/environments/${e.id}/flags`, () => [200, states(e.id)] as [number, unknown]])),
    ...Object.fromEntries(
      envs.map((e) => [
        `GET /api/v1/projects/p1/environments/${e.id}/flags/checkout/evaluations`,
        [200, { from: 0, to: 1, events: [], rows: evaluations ? [{ flag: 'checkout', variant: 'on', hour: 0, count: evaluations }] : [] }] as [number, unknown],
      ]),
    ),
    ...extra,
  };
  const api = fakeFetch(routes);
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) =>
    feed && String(input).endsWith('/events') ? feed.respond() : api.fn(input, init)) as typeof fetch;
  vi.stubGlobal('fetch', fn);
  const page = (
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/flags" element={<FlagsList />} />
    </Routes>
  );
  renderUi(
    <>
      <Notifications />
      {feed ? <LiveProvider org="o1">{page}</LiveProvider> : page}
    </>,
    { route: `/orgs/o1/projects/p1/envs/${envKey}/flags` },
  );
  return api;
}
