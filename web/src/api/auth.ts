import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { whenFeedDown } from './live';
import type { Me, Schemas, Session } from './types';

/**
 * Sign-up either creates an organization (`organization`, its name) or joins the one that sent
 * an invitation (`invitation`, the invitation's token; the email must be the invited one).
 */
export type SignUpBody = { email: string; password: string; name: string } & (
  | { organization: string; invitation?: never }
  | { invitation: string; organization?: never }
);

export const signUp = (b: SignUpBody) => api.post<Session>('/api/v1/auth/signup', b, { anonymous: true });

export type TwoFactorSetup = Schemas['TwoFactorSetup'];

/** A new authenticator secret; it takes effect once `enableTwoFactor` confirms a code. */
export const setUpTwoFactor = () => api.post<TwoFactorSetup>('/api/v1/auth/two-factor/setup', {});
/** One-time codes that stand in for the authenticator app; shown once, a new set replaces the old. */
export type RecoveryCodes = Schemas['RecoveryCodes'];

/**
 * Turns two-factor sign-in on with the app's first code; the answer carries the recovery codes.
 * A code that does not match answers 401: this session stays.
 */
export const enableTwoFactor = (code: string) =>
  api.post<RecoveryCodes>('/api/v1/auth/two-factor/enable', { code }, { keepSessionOn401: true });
/**
 * `code`: the app's code or an unused recovery code. 409 when an organization where the caller is
 * an owner or admin requires two-factor sign-in (`details.organization` names it).
 */
export const disableTwoFactor = (code: string) => api.post<void>('/api/v1/auth/two-factor/disable', { code }, { keepSessionOn401: true });
/** A new set of recovery codes (every earlier one stops working); `code` as for `disableTwoFactor`. */
export const renewRecoveryCodes = (code: string) =>
  api.post<RecoveryCodes>('/api/v1/auth/two-factor/recovery-codes', { code }, { keepSessionOn401: true });

/** `code`: the authenticator app's 6-digit code or a recovery code, once the API asks for one. */
export const signIn = (b: { email: string; password: string; code?: string }) =>
  api.post<Session>('/api/v1/auth/login', b, { anonymous: true });

/** Mails a reset link if an account has this email (the same answer either way). */
export const requestPasswordReset = (email: string) =>
  api.post<void>('/api/v1/auth/password-reset', { email }, { anonymous: true });

/** Sets a new password with the token of a mailed link; every session ends. */
export const resetPassword = (b: { token: string; password: string }) =>
  api.post<void>('/api/v1/auth/password-reset/confirm', b, { anonymous: true });

/** Marks the account's email verified with the token of the link mailed at signup. */
export const verifyEmail = (token: string) => api.post<void>('/api/v1/auth/verify-email', { token }, { anonymous: true });

/** Mails the signed-in user a new verification link. */
export const sendVerification = () => api.post<void>('/api/v1/auth/verify-email/send');

/** A new token for this session: another 30 minutes, never past 12 hours from the sign-in. */
export const renewSession = () => api.post<Session>('/api/v1/auth/refresh');

export const signOut = () => api.post<void>('/api/v1/auth/logout');

/** Changes the caller's password: other sessions end, and the answer carries a new token for this one. */
export const changePassword = (b: { currentPassword: string; newPassword: string }) =>
  api.post<Session>('/api/v1/auth/password', b, { keepSessionOn401: true });

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
