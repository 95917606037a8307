/**
 * Single sign-on (OpenID Connect): starting a sign-in at the organization's identity provider,
 * exchanging the ticket the provider's round trip ends with, and the organization's settings.
 */
import { api, seg } from './client';
import type { Session } from './types';

/** Where to send the browser: the identity provider's sign-in. */
export const startSso = (email: string) =>
  api.post<{ authorizationUrl: string }>('/api/v1/auth/sso/start', { email }, { anonymous: true });

/** Links the signed-in account to `org`'s single sign-on: where to send the browser. */
export const linkSso = (org: string) => api.post<{ authorizationUrl: string }>('/api/v1/auth/sso/link', { org });

/** The ticket from `/sso/complete#ticket=…` for a session; `code` once the API asks for two-factor. */
export const exchangeSso = (b: { ticket: string; code?: string }) =>
  api.post<Session>('/api/v1/auth/sso/exchange', b, { anonymous: true });

export type SsoRole = 'viewer' | 'editor';

/** An organization's settings as admins see them (never the client secret). */
export type SsoSettings = {
  configured: boolean;
  redirectUri: string;
  issuer?: string | null;
  clientId?: string | null;
  clientSecretSet: boolean;
  emailDomains: string[];
  defaultRole?: SsoRole | null;
  enabled: boolean;
  updatedAt?: number | null;
};

export type SsoBody = {
  issuer: string;
  clientId: string;
  /** Write-only; left out, the stored one stays. */
  clientSecret?: string;
  emailDomains: string[];
  defaultRole: SsoRole;
  enabled: boolean;
};

export const getSso = (org: string) => api.get<SsoSettings>(`/api/v1/orgs/${seg(org)}/sso`);
export const putSso = (org: string, b: SsoBody) => api.put<SsoSettings>(`/api/v1/orgs/${seg(org)}/sso`, b);
export const deleteSso = (org: string) => api.del(`/api/v1/orgs/${seg(org)}/sso`);

/** What the sign-in page says for each error code the callback sends back. */
export const SSO_ERRORS: Record<string, string> = {
  sso_state_invalid: 'That sign-in link was already used or has expired. Start again.',
  sso_denied: 'The identity provider did not sign you in.',
  sso_disabled: 'Single sign-on is turned off for your organization.',
  sso_provider_unreachable: 'Your identity provider could not be reached. Try again in a moment.',
  sso_code_refused: 'Your identity provider refused the sign-in. Start again.',
  sso_token_rejected: 'The identity provider’s answer did not check out, so you were not signed in. Ask your administrator.',
  sso_email_missing: 'Your identity provider did not tell us your email address.',
  sso_email_unverified: 'Your identity provider has not verified your email address.',
  sso_domain_not_allowed: 'Your email address is not in a domain your organization signs in with.',
  sso_account_exists:
    'An account with this email already exists and is not linked to single sign-on. Sign in with its password (or reset it), then link single sign-on on your Password page.',
  sso_link_mismatch: 'The identity provider signed you in with another email than this account’s. Sign in there with this account’s email.',
  sso_join_refused: 'Your organization has no room for another member. Ask an administrator.',
  sso_failed: 'Single sign-on failed. Try again.',
};

export const ssoErrorMessage = (code: string) => SSO_ERRORS[code] ?? SSO_ERRORS.sso_failed;
