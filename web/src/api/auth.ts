import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { whenFeedDown } from './live';
import type { Me, Session } from './types';

export const signUp = (b: { email: string; password: string; name: string; organization: string }) =>
  api.post<Session>('/api/v1/auth/signup', b, { anonymous: true });

export const signIn = (b: { email: string; password: string }) =>
  api.post<Session>('/api/v1/auth/login', b, { anonymous: true });

export const signOut = () => api.post<void>('/api/v1/auth/logout');

export const acceptInvitation = (token: string) =>
  api.post<{ orgId: string; role: string }>('/api/v1/invitations/accept', { token });

export function useMe(enabled = true) {
  return useQuery({
    queryKey: ['me'],
    queryFn: () => api.get<Me>('/api/v1/auth/me'),
    enabled,
    refetchOnWindowFocus: true,
    // Roles change under us (an admin promotes or demotes): check now and then.
    refetchInterval: whenFeedDown(10_000),
    staleTime: 5_000,
  });
}
