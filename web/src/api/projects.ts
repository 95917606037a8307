import { useQuery } from '@tanstack/react-query';
import { api, seg } from './client';
import { liveQuery } from './live';
import type { Environment, KeyCreated, KeyKind, Page, Project, SdkKey } from './types';

export const projectKeys = {
  list: (org: string) => ['orgs', org, 'projects'] as const,
  environments: (project: string) => ['projects', project, 'environments'] as const,
  keys: (project: string, env: string) => ['projects', project, 'environments', env, 'keys'] as const,
};

export function useProjects(org: string | undefined) {
  return useQuery({
    queryKey: projectKeys.list(org ?? ''),
    queryFn: () => api.get<Page<Project>>(`/api/v1/orgs/${seg(org!)}/projects?limit=500`),
    enabled: !!org,
    ...liveQuery,
  });
}

export const createProject = (org: string, b: { name: string; environments?: string[] }) =>
  api.post<{ project: Project; environments: Environment[] }>(`/api/v1/orgs/${seg(org)}/projects`, b);

export function useEnvironments(project: string | undefined) {
  return useQuery({
    queryKey: projectKeys.environments(project ?? ''),
    queryFn: () => api.get<Environment[]>(`/api/v1/projects/${seg(project!)}/environments`),
    enabled: !!project,
    ...liveQuery,
  });
}

export const createEnvironment = (project: string, b: { key: string; name?: string; allowedOrigins?: string[] }) =>
  api.post<Environment>(`/api/v1/projects/${seg(project)}/environments`, b);

export const updateEnvironment = (project: string, env: string, b: { name?: string; allowedOrigins?: string[]; customEvents?: boolean }) =>
  api.patch<Environment>(`/api/v1/projects/${seg(project)}/environments/${seg(env)}`, b);

export function useSdkKeys(project: string, env: string) {
  return useQuery({
    queryKey: projectKeys.keys(project, env),
    queryFn: () => api.get<SdkKey[]>(`/api/v1/projects/${seg(project)}/environments/${seg(env)}/keys`),
    ...liveQuery,
  });
}

const keysPath = (project: string, env: string) => `/api/v1/projects/${seg(project)}/environments/${seg(env)}/keys`;

export const createSdkKey = (project: string, env: string, kind: KeyKind) =>
  api.post<KeyCreated>(keysPath(project, env), { kind });

export const rotateSdkKey = (project: string, env: string, id: string) =>
  api.post<KeyCreated>(`${keysPath(project, env)}/${seg(id)}/rotate`);

export const revokeSdkKey = (project: string, env: string, id: string) => api.del(`${keysPath(project, env)}/${seg(id)}`);
