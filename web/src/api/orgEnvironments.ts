/**
 * Every project of an organization with its environments (for choosing across projects, such as
 * a webhook's filter). Kept out of projects.ts so that the app's first chunk does not carry
 * `useQueries`; it shares the cached lists with `useProjects` / `useEnvironments`.
 */
import { useQueries } from '@tanstack/react-query';
import { api, seg } from './client';
import { liveQuery } from './live';
import { projectKeys, useProjects } from './projects';
import type { Environment } from './types';

export function useOrgEnvironments(org: string | undefined) {
  const projects = useProjects(org);
  const list = projects.data?.items ?? [];
  const envs = useQueries({
    queries: list.map((p) => ({
      queryKey: projectKeys.environments(p.id),
      queryFn: () => api.get<Environment[]>(`/api/v1/projects/${seg(p.id)}/environments`),
      ...liveQuery,
    })),
  });
  const environments = list.flatMap((p, i) => (envs[i]?.data ?? []).map((e) => ({ ...e, projectName: p.name })));
  return { projects: list, environments, error: projects.error ?? envs.find((q) => q.error)?.error ?? null };
}
