/** Timed ramps: a flag's last ramp in an environment, a project's ramps, starting, pausing, resuming, cancelling. */
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, seg } from './client';
import { liveQuery, whenFeedDown } from './live';
import type { NewRamp, Ramp } from './types';

export const rampKeys = {
  all: (project: string) => ['projects', project, 'ramps'] as const,
  one: (project: string, env: string, flag: string) => ['projects', project, 'ramps', env, flag] as const,
};

const path = (project: string, env: string, flag: string) =>
  `/api/v1/projects/${seg(project)}/environments/${seg(env)}/flags/${seg(flag)}/ramp`;

/** The flag's last ramp in the environment, whatever its status; null when it never ramped there. */
export async function getRamp(project: string, env: string, flag: string, signal?: AbortSignal): Promise<Ramp | null> {
  try {
    return await api.get<Ramp>(path(project, env, flag), { signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function useRamp(project: string, env: string | undefined, flag: string) {
  return useQuery({
    queryKey: rampKeys.one(project, env ?? '', flag),
    queryFn: ({ signal }) => getRamp(project, env!, flag, signal),
    enabled: !!project && !!env && !!flag,
    ...liveQuery,
  });
}

/** Every ramp of the project (each flag's last one per environment). */
export function useRamps(project: string | undefined, { interval = 10_000 }: { interval?: number } = {}) {
  return useQuery({
    queryKey: rampKeys.all(project ?? ''),
    queryFn: ({ signal }) => api.get<{ items: Ramp[] }>(`/api/v1/projects/${seg(project!)}/ramps`, { signal }).then((r) => r.items),
    enabled: !!project,
    refetchInterval: whenFeedDown(interval),
    refetchOnWindowFocus: true,
  });
}

/** Starts a ramp (its first step applies at once); `b.version` is the state's version read. */
export const startRamp = (project: string, env: string, flag: string, b: NewRamp) => api.post<Ramp>(path(project, env, flag), b);

export type RampAction = 'pause' | 'resume' | 'cancel';

/** Pauses, resumes or cancels the ramp last seen at `version`. */
export const setRampStatus = (project: string, env: string, flag: string, action: RampAction, version: number) =>
  api.post<Ramp>(`${path(project, env, flag)}/${action}`, { version });
