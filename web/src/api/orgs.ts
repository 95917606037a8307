import { useQuery } from '@tanstack/react-query';
import { api, seg } from './client';
import { liveQuery } from './live';
import type { ApiToken, Invitation, Member, Organization, Role, Schemas, Scope } from './types';

export const orgKeys = {
  members: (org: string) => ['orgs', org, 'members'] as const,
  invitations: (org: string) => ['orgs', org, 'invitations'] as const,
  tokens: (org: string) => ['orgs', org, 'tokens'] as const,
};

/** An invitation not yet accepted (`GET /api/v1/orgs/{org}/invitations`; members managers only). */
export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  /** The user who sent it. */
  invitedBy: string;
  invitedByName: string | null;
  expiresAt: number;
}

/** An API token with its creator's name (`null`: a former member; absent from older servers). */
export type TokenView = ApiToken & { createdByName?: string | null };

export const createOrg = (name: string) => api.post<Organization>('/api/v1/orgs', { name });

/** Changes an organization's name and/or whether it requires two-factor sign-in (at least one). */
export const updateOrg = (org: string, patch: Schemas['OrgPatch']) => api.patch<Organization>(`/api/v1/orgs/${seg(org)}`, patch);

/** Renames an organization (owners and admins). */
export const renameOrg = (org: string, name: string) => updateOrg(org, { name });

/**
 * Requires (or stops requiring) two-factor sign-in of owners and admins: owners only, and only an
 * owner who has it on (else 403).
 */
export const setRequireTwoFactor = (org: string, requireTwoFactor: boolean) => updateOrg(org, { requireTwoFactor });

export function useMembers(org: string) {
  return useQuery({
    queryKey: orgKeys.members(org),
    queryFn: () => api.get<Member[]>(`/api/v1/orgs/${seg(org)}/members`),
    ...liveQuery,
  });
}

export const invite = (org: string, b: { email: string; role: Role }) =>
  api.post<Invitation>(`/api/v1/orgs/${seg(org)}/invitations`, b);

export function usePendingInvitations(org: string, enabled: boolean) {
  return useQuery({
    queryKey: orgKeys.invitations(org),
    queryFn: () => api.get<PendingInvitation[]>(`/api/v1/orgs/${seg(org)}/invitations`),
    enabled,
    ...liveQuery,
  });
}

export const revokeInvitation = (org: string, id: string) =>
  api.del(`/api/v1/orgs/${seg(org)}/invitations/${seg(id)}`);

export const setRole = (org: string, user: string, role: Role) =>
  api.put(`/api/v1/orgs/${seg(org)}/members/${seg(user)}`, { role });

export const removeMember = (org: string, user: string) =>
  api.del(`/api/v1/orgs/${seg(org)}/members/${seg(user)}`);

export function useTokens(org: string, enabled: boolean) {
  return useQuery({
    queryKey: orgKeys.tokens(org),
    queryFn: () => api.get<TokenView[]>(`/api/v1/orgs/${seg(org)}/tokens`),
    enabled,
    ...liveQuery,
  });
}

export const createToken = (org: string, b: { name: string; scopes: Scope[]; expiresInDays?: number; serviceAccount?: string }) =>
  api.post<{ secret: string; token: ApiToken }>(`/api/v1/orgs/${seg(org)}/tokens`, b);

export const revokeToken = (org: string, id: string) => api.del(`/api/v1/orgs/${seg(org)}/tokens/${seg(id)}`);
