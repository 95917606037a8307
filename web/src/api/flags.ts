import { useQueries, useQuery } from '@tanstack/react-query';
import { api, seg } from './client';
import { liveQuery } from './live';
import type { Explanation, Flag, FlagdDocument, FlagState, FlagType, Json, Page, Prerequisite, Segment, Variant } from './types';

export const flagKeys = {
  list: (project: string) => ['projects', project, 'flags'] as const,
  flag: (project: string, flag: string) => ['projects', project, 'flags', flag] as const,
  state: (project: string, env: string, flag: string) => ['projects', project, 'env', env, 'flags', flag] as const,
  flagd: (project: string, env: string) => ['projects', project, 'env', env, 'flagd'] as const,
  /** Every flag's state in one environment (`GET .../environments/{env}/flags`). */
  states: (project: string, env: string) => ['projects', project, 'env', env, 'states'] as const,
  segments: (project: string) => ['projects', project, 'segments'] as const,
};

const p = (project: string) => `/api/v1/projects/${seg(project)}`;
const statePath = (project: string, env: string, flag: string) =>
  `${p(project)}/environments/${seg(env)}/flags/${seg(flag)}`;

/** Every flag of a project (following pages). */
export async function listFlags(project: string): Promise<Flag[]> {
  const out: Flag[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: Page<Flag> = await api.get<Page<Flag>>(`${p(project)}/flags?limit=500${q}`);
    out.push(...page.items);
    cursor = page.next ?? null;
  } while (cursor);
  return out;
}

export function useFlags(project: string) {
  return useQuery({ queryKey: flagKeys.list(project), queryFn: () => listFlags(project), ...liveQuery });
}

export function useFlag(project: string, flag: string) {
  return useQuery({
    queryKey: flagKeys.flag(project, flag),
    queryFn: () => api.get<Flag>(`${p(project)}/flags/${seg(flag)}`),
    ...liveQuery,
  });
}

export const createFlag = (
  project: string,
  b: { key: string; name?: string; description?: string; type: FlagType; variants: Variant[]; tags?: string[]; clientVisible?: boolean },
) => api.post<Flag>(`${p(project)}/flags`, b);

export const updateFlag = (
  project: string,
  flag: string,
  b: { name?: string; description?: string; tags?: string[]; variants?: Variant[]; archived?: boolean; clientVisible?: boolean; version: number },
) => api.patch<Flag>(`${p(project)}/flags/${seg(flag)}`, b);

export const deleteFlag = (project: string, flag: string, version: number) =>
  api.del(`${p(project)}/flags/${seg(flag)}?version=${version}`);

/** Each flag's state in one environment, as the environment's flagd document (one request). */
export function useFlagd(project: string, env: string | undefined) {
  return useQuery({
    queryKey: flagKeys.flagd(project, env ?? ''),
    queryFn: () => api.get<FlagdDocument>(`${p(project)}/environments/${seg(env!)}/flagd`),
    enabled: !!env,
    ...liveQuery,
  });
}

export const getFlagState = (project: string, env: string, flag: string) => api.get<FlagState>(statePath(project, env, flag));

export function useFlagState(project: string, env: string | undefined, flag: string) {
  return useQuery({
    queryKey: flagKeys.state(project, env ?? '', flag),
    queryFn: () => getFlagState(project, env!, flag),
    enabled: !!env,
    ...liveQuery,
  });
}

export interface StateBody {
  enabled: boolean;
  defaultVariant: string | null;
  targeting: Json | null;
  /** The whole list: a PUT without it removes every prerequisite. */
  prerequisites: Prerequisite[];
  /** The version this edit started from: a stale one is refused (409). */
  version: number;
}

export const putFlagState = (project: string, env: string, flag: string, b: StateBody) =>
  api.put<FlagState>(statePath(project, env, flag), b);

export const copyFlagState = (project: string, env: string, flag: string, toEnvironment: string, targetVersion?: number) =>
  api.post<FlagState>(`${statePath(project, env, flag)}/copy`, { toEnvironment, targetVersion });

export const evaluateFlag = (project: string, env: string, flag: string, context: Json) =>
  api.post<Explanation>(`${statePath(project, env, flag)}/evaluate`, { context });

export const restoreFlagState = (project: string, env: string, flag: string, auditId: string, version: number) =>
  api.post<FlagState>(`${statePath(project, env, flag)}/restore`, { auditId, version });

export function useSegments(project: string) {
  return useQuery({
    queryKey: flagKeys.segments(project),
    queryFn: () => api.get<Segment[]>(`${p(project)}/segments`),
    ...liveQuery,
  });
}

export const createSegment = (project: string, b: { key: string; name?: string; description?: string; rule: Json }) =>
  api.post<Segment>(`${p(project)}/segments`, b);

export const updateSegment = (
  project: string,
  key: string,
  b: { name?: string; description?: string; rule?: Json; version: number },
) => api.put<Segment>(`${p(project)}/segments/${seg(key)}`, b);

export const deleteSegment = (project: string, key: string, version: number) =>
  api.del(`${p(project)}/segments/${seg(key)}?version=${version}`);

/** The flagd documents of several environments at once (for per-environment columns). */
export function useFlagdAll(project: string, envIds: string[]) {
  return useQueries({
    queries: envIds.map((env) => ({
      queryKey: flagKeys.flagd(project, env),
      queryFn: () => api.get<FlagdDocument>(`${p(project)}/environments/${seg(env)}/flagd`),
      ...liveQuery,
    })),
  });
}

/**
 * A flag's state with the name of who changed it last (`GET .../environments/{env}/flags`). A
 * state never set has `version: 0`, `enabled: false`, `updatedAt: 0`.
 */
export type FlagStateView = FlagState & { updatedByName?: string | null };

/** Every non-archived flag's state in one environment, in flag-key order (one request). */
export const listFlagStates = (project: string, env: string) =>
  api.get<FlagStateView[]>(`${p(project)}/environments/${seg(env)}/flags`);

/** The states of several environments at once (for per-environment columns). */
export function useFlagStates(project: string, envIds: string[], enabled = true) {
  return useQueries({
    queries: envIds.map((env) => ({
      queryKey: flagKeys.states(project, env),
      queryFn: () => listFlagStates(project, env),
      enabled,
      ...liveQuery,
    })),
  });
}

/** Turns a flag on or off in one environment, everything else kept (refused with 409 on a stale `version`). */
export const patchFlagState = (project: string, env: string, flag: string, b: { enabled: boolean; version: number }) =>
  api.patch<FlagState>(statePath(project, env, flag), b);
