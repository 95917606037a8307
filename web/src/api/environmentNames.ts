import { useQueries } from '@tanstack/react-query';
import { api, seg } from './client';
import { projectKeys } from './projects';
import type { Environment } from './types';

/**
 * Environment names by id across the projects of the entries shown (an organization's log spans
 * projects), read once each and shared with the rest of the app's environment lists.
 */
export function useEnvironmentNames(projectIds: (string | null | undefined)[]): (id: string) => string | undefined {
  const ids = [...new Set(projectIds.filter((p): p is string => !!p))].sort();
  const results = useQueries({
    queries: ids.map((p) => ({
      queryKey: projectKeys.environments(p),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<Environment[]>(`/api/v1/projects/${seg(p)}/environments`, { signal }),
      staleTime: 30_000,
    })),
  });
  const names = new Map<string, string>();
  for (const r of results) for (const e of r.data ?? []) names.set(e.id, e.name);
  return (id) => names.get(id);
}
