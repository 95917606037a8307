import { useQuery } from '@tanstack/react-query';
import { api, seg } from './client';
import { liveQuery } from './live';
import type { ApprovalPolicy, Environment, FlagdDocument, ImportSummary, KeyCreated, KeyKind, Page, Project, SdkKey, SecureModeView } from './types';

export const projectKeys = {
  list: (org: string) => ['orgs', org, 'projects'] as const,
  project: (project: string) => ['projects', project] as const,
  secureMode: (project: string, env: string) => ['projects', project, 'environments', env, 'secure-mode'] as const,
  environments: (project: string) => ['projects', project, 'environments'] as const,
  keys: (project: string, env: string) => ['projects', project, 'environments', env, 'keys'] as const,
};

/** Whether an environment is marked critical (production-like: shown in a warning colour, its toggles confirm). */
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

export function useProject(project: string | undefined) {
  return useQuery({
    queryKey: projectKeys.project(project ?? ''),
    queryFn: () => api.get<Project>(`/api/v1/projects/${seg(project!)}`),
    enabled: !!project,
    ...liveQuery,
  });
}

export const updateProject = (project: string, b: { name?: string; clientVisibleByDefault?: boolean }) =>
  api.patch<Project>(`/api/v1/projects/${seg(project)}`, b);

/** Deletes a project with its environments, flags and segments; its SDK keys stop working (owners and admins). */
export const deleteProject = (project: string) => api.del(`/api/v1/projects/${seg(project)}`);

/** Secure mode as admins see it: on or off, and the secret customers' servers sign with. */
export function useSecureMode(project: string, env: string, enabled = true) {
  return useQuery({
    queryKey: projectKeys.secureMode(project, env),
    queryFn: () => api.get<SecureModeView>(`/api/v1/projects/${seg(project)}/environments/${seg(env)}/secure-mode`),
    enabled,
  });
}

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

export const updateEnvironment = (
  project: string,
  env: string,
  b: {
    name?: string;
    allowedOrigins?: string[];
    secureMode?: boolean;
    customEvents?: boolean;
    approval?: ApprovalPolicy | null;
    critical?: boolean;
  },
) =>
  api.patch<Environment>(`/api/v1/projects/${seg(project)}/environments/${seg(env)}`, b);

/** Deletes an environment with its flag states and keys (owners and admins). */
export const deleteEnvironment = (project: string, env: string) =>
  api.del(`/api/v1/projects/${seg(project)}/environments/${seg(env)}`);

const flagdPath = (project: string, env: string) => `/api/v1/projects/${seg(project)}/environments/${seg(env)}/flagd`;

/** The environment as a flagd document, as SDKs and flagd read it (read fresh, for a download or an import's preview). */
export const exportFlagd = (project: string, env: string) => api.get<FlagdDocument>(flagdPath(project, env));

/** Imports a flagd document into the environment, all or nothing (422 lists every problem with its path). */
export const importFlagd = (project: string, env: string, doc: unknown) => api.put<ImportSummary>(flagdPath(project, env), doc);

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

/** Rotates a key; the old one keeps working for `overlapSeconds` (0: revoked at once). */
export const rotateSdkKey = (project: string, env: string, id: string, overlapSeconds: number) =>
  api.post<KeyCreated>(`${keysPath(project, env)}/${seg(id)}/rotate`, { overlapSeconds });

export const revokeSdkKey = (project: string, env: string, id: string) => api.del(`${keysPath(project, env)}/${seg(id)}`);
