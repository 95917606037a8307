import { useQuery } from '@tanstack/react-query';
import { api, seg } from './client';
import { liveQuery } from './live';
import type { ApiToken, Invitation, Member, Organization, Role, Scope } from './types';

export const orgKeys = {
  members: (org: string) => ['orgs', org, 'members'] as const,
  tokens: (org: string) => ['orgs', org, 'tokens'] as const,
};

export const createOrg = (name: string) => api.post<Organization>('/api/v1/orgs', { name });

export function useMembers(org: string) {
  return useQuery({
    queryKey: orgKeys.members(org),
    queryFn: () => api.get<Member[]>(`/api/v1/orgs/${seg(org)}/members`),
    ...liveQuery,
  });
}

export const invite = (org: string, b: { email: string; role: Role }) =>
  api.post<Invitation>(`/api/v1/orgs/${seg(org)}/invitations`, b);

export const setRole = (org: string, user: string, role: Role) =>
  api.put(`/api/v1/orgs/${seg(org)}/members/${seg(user)}`, { role });

export const removeMember = (org: string, user: string) =>
  api.del(`/api/v1/orgs/${seg(org)}/members/${seg(user)}`);

export function useTokens(org: string, enabled: boolean) {
  return useQuery({
    queryKey: orgKeys.tokens(org),
    queryFn: () => api.get<ApiToken[]>(`/api/v1/orgs/${seg(org)}/tokens`),
    enabled,
    ...liveQuery,
  });
}

export const createToken = (org: string, b: { name: string; scopes: Scope[]; expiresInDays?: number }) =>
  api.post<{ secret: string; token: ApiToken }>(`/api/v1/orgs/${seg(org)}/tokens`, b);

export const revokeToken = (org: string, id: string) => api.del(`/api/v1/orgs/${seg(org)}/tokens/${seg(id)}`);
