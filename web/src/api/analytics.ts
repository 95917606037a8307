import { useQuery } from '@tanstack/react-query';
import { ApiError, api, seg } from './client';
import type { Evaluations } from './types';

const envPath = (project: string, env: string) => `/api/v1/projects/${seg(project)}/environments/${seg(env)}`;

/** Evaluation counts per flag, variant and hour; `null` when this server has no analytics. */
async function fetchOrNull(path: string): Promise<Evaluations | null> {
  try {
    return await api.get<Evaluations>(path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export function useEnvironmentEvaluations(project: string, env: string | undefined, hours: number) {
  return useQuery({
    queryKey: ['projects', project, 'env', env, 'evaluations', hours],
    queryFn: () => fetchOrNull(`${envPath(project, env!)}/evaluations?hours=${hours}`),
    enabled: !!env,
    refetchInterval: 15_000,
    refetchOnWindowFocus: true,
    retry: false,
  });
}

/** The query of one flag's evaluation counts in one environment over the last `hours` hours. */
export const flagEvaluationsQuery = (project: string, env: string, flag: string, hours: number) => ({
  queryKey: ['projects', project, 'env', env, 'flags', flag, 'evaluations', hours] as const,
  queryFn: () => fetchOrNull(`${envPath(project, env)}/flags/${seg(flag)}/evaluations?hours=${hours}`),
  retry: false,
});

export function useFlagEvaluations(project: string, env: string | undefined, flag: string, hours: number) {
  return useQuery({
    ...flagEvaluationsQuery(project, env ?? '', flag, hours),
    enabled: !!env,
    refetchInterval: 15_000,
    refetchOnWindowFocus: true,
  });
}
