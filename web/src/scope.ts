/** The organization, project and environment the URL points at, with the caller's role. */
import { useParams } from 'react-router';
import { useMe } from './api/auth';
import { useEnvironments } from './api/projects';
import type { Environment, Role } from './api/types';

export interface Scope {
  org: string;
  project: string;
  /** The environment's key, as it appears in the URL. */
  envKey: string;
  env: Environment | undefined;
  environments: Environment[];
  role: Role | undefined;
}

export function useRole(org: string | undefined): Role | undefined {
  const me = useMe();
  return me.data?.memberships.find((m) => m.organization.id === org)?.role;
}

export function useScope(): Scope {
  const { org = '', project = '', env: envKey = '' } = useParams();
  const role = useRole(org);
  const envs = useEnvironments(project || undefined);
  const environments = envs.data ?? [];
  return { org, project, envKey, env: environments.find((e) => e.key === envKey), environments, role };
}

export const orgPath = (org: string) => `/orgs/${encodeURIComponent(org)}`;
export const projectPath = (org: string, project: string) => `${orgPath(org)}/projects/${encodeURIComponent(project)}`;
export const envPath = (org: string, project: string, env: string) =>
  `${projectPath(org, project)}/envs/${encodeURIComponent(env)}`;
export const flagPath = (org: string, project: string, env: string, flag: string) =>
  `${envPath(org, project, env)}/flags/${encodeURIComponent(flag)}`;

export const requestsPath = (org: string, project: string, env: string) => `${envPath(org, project, env)}/requests`;
export const requestPath = (org: string, project: string, env: string, id: string) =>
  `${requestsPath(org, project, env)}/${encodeURIComponent(id)}`;
export const schedulesPath = (org: string, project: string, env: string) => `${envPath(org, project, env)}/schedules`;

/** The account's Password page (route `account/password`), and its two-factor panel on it. */
export const passwordPath = '/account/password';
export const twoFactorPath = `${passwordPath}#two-factor`;

const LAST_KEY = (org: string) => `switchyard.last.${org}`;

/** Remembers the project and environment last opened in an organization. */
export function rememberPlace(org: string, project: string, envKey: string): void {
  try {
    window.localStorage.setItem(LAST_KEY(org), JSON.stringify({ project, envKey }));
  } catch {
    // private mode: nothing remembered
  }
}

/** The project and environment last opened in an organization, for pages outside any project. */
export function lastPlace(org: string): { project: string; envKey: string } | null {
  try {
    const v = JSON.parse(window.localStorage.getItem(LAST_KEY(org)) ?? 'null');
    return v && typeof v.project === 'string' && typeof v.envKey === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Forgets the place remembered in an organization when it was in `project` (deleted). */
export function forgetPlace(org: string, project: string): void {
  try {
    if (lastPlace(org)?.project === project) window.localStorage.removeItem(LAST_KEY(org));
  } catch {
    // nothing remembered
  }
}
