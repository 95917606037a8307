import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { SessionProvider } from '../auth/session';

/** Renders inside the providers the app has (a fresh query client, a memory router). */
export function renderUi(ui: ReactElement, { route = '/' }: { route?: string } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[route]}>
          <SessionProvider>{children}</SessionProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
  return render(ui, { wrapper });
}

/**
 * A fetch that answers from a table of `METHOD path` → [status, body] (or a function of the request
 * body and its URL, for answers that depend on the query), recording each call.
 */
export function fakeFetch(routes: Record<string, [number, unknown] | ((body: unknown, url: URL) => [number, unknown])>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path: url.pathname, body });
    const hit = routes[`${method} ${url.pathname}`];
    if (!hit) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'route not found', details: null } }), { status: 404 });
    const [status, out] = typeof hit === 'function' ? hit(body, url) : hit;
    return new Response(status === 204 ? null : JSON.stringify(out), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fn: fn as typeof fetch, calls };
}
