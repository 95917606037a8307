/**
 * Sentences about members' accounts: signing in (and failing to), signing out, passwords,
 * two-factor sign-in and recovery codes. They are recorded in every organization of the member,
 * with the address the request came from.
 */
import { type Ctx, type Describe, type Part, str } from '../parts';

/** " from 203.0.113.7", or nothing when the address is not known. */
const from = (c: Ctx): string => {
  const address = str(c.after, 'address');
  return address ? ` from ${address}` : '';
};

const said =
  (what: string): Describe =>
  (c) => [`${what}${from(c)}`];

function login(c: Ctx): Part[] {
  const how = str(c.after, 'secondFactor');
  const proof = how === 'recovery_code' ? ' with a recovery code' : how === 'authenticator' ? ' with two-factor sign-in' : '';
  return [`signed in${proof}${from(c)}`];
}

function loginFailed(c: Ctx): Part[] {
  const reason = str(c.after, 'reason');
  const why = reason === 'password' ? ' (wrong password)' : reason === 'second_factor' ? ' (wrong authenticator or recovery code)' : '';
  return [`failed to sign in${why}${from(c)}`];
}

function recoveryCodeUse(c: Ctx): Part[] {
  const during = str(c.after, 'during');
  return [`used a recovery code${during ? ` (${during})` : ''}${from(c)}`];
}

export const ACCOUNT_SENTENCES: Record<string, Describe> = {
  'account.login': login,
  'account.login_failed': loginFailed,
  'account.logout': said('signed out of every session'),
  'account.password_change': said('changed their password'),
  'account.password_reset': said('set a new password through a reset link'),
  'account.two_factor_enable': said('turned on two-factor sign-in'),
  'account.two_factor_disable': said('turned off two-factor sign-in'),
  'account.recovery_codes_regenerate': said('made a new set of recovery codes'),
  'account.recovery_code_use': recoveryCodeUse,
};
