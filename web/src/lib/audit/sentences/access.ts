/** Sentences about who may do what: members, invitations, API tokens and SDK keys. */
import { when } from '../../requests/schedule';
import { memberText } from '../actors';
import { type Ctx, type Describe, num, type Part, str } from '../parts';

/** The member a record is about (`member:{userId}`), by name. */
const member = (c: Ctx) => memberText(str(c.after, 'userId') ?? str(c.before, 'userId') ?? c.key, c.members);

function roleChange(c: Ctx): Part[] {
  const [from, to] = [str(c.before, 'role'), str(c.after, 'role')];
  if (from && to) return [`changed the role of ${member(c)} from ${from} to ${to}`];
  return [`changed the role of ${member(c)}${to ? ` to ${to}` : ''}`];
}

function removed(c: Ctx): Part[] {
  const role = str(c.before, 'role');
  if (c.e.actor === `user:${c.key}`) return ['left the organization'];
  return [`removed ${member(c)}${role ? ` (${role})` : ''} from the organization`];
}

/** The invitation's address: in the record, else its target (`invitation:{email}`). */
const invitee = (c: Ctx) => str(c.after, 'email') ?? str(c.before, 'email') ?? c.key;

/** A token's name from the record ("ci-bot"), else "an API token". */
function token(c: Ctx): string {
  const name = str(c.after, 'name') ?? str(c.before, 'name');
  return name ? `API token ${name}` : 'an API token';
}

function tokenCreated(c: Ctx): Part[] {
  const scopes = Array.isArray(c.after?.scopes) ? (c.after.scopes as unknown[]).filter((s) => typeof s === 'string') : [];
  return [`created ${token(c)}${scopes.length ? ` (${scopes.join(', ')})` : ''}`];
}

/** "a client key", "a server key". */
const sdkKey = (c: Ctx) => {
  const kind = str(c.after, 'kind') ?? str(c.before, 'kind');
  return kind ? `a ${kind} key` : 'an SDK key';
};
const ofEnv = (c: Ctx, word: string): Part[] => (c.env ? [` ${word} `, c.env] : []);

function rotated(c: Ctx): Part[] {
  const until = num(c.after, 'expiresAt');
  const overlap = until ? `; the old key works until ${when(until)}` : '; the old key stopped at once';
  return [`rotated ${sdkKey(c)}`, ...ofEnv(c, 'of'), overlap];
}

export const ACCESS_SENTENCES: Record<string, Describe> = {
  'member.join': (c) => [`joined the organization${str(c.after, 'role') ? ` as ${str(c.after, 'role')}` : ''}`],
  'member.role': roleChange,
  'member.remove': removed,
  'invitation.create': (c) => [`invited ${invitee(c)}${str(c.after, 'role') ? ` as ${str(c.after, 'role')}` : ''}`],
  'invitation.revoke': (c) => [`revoked the invitation of ${invitee(c)}`],
  'invitation.delete': (c) => [`revoked the invitation of ${invitee(c)}`],
  'invitation.accept': (c) => [`accepted the invitation of ${invitee(c)}`],
  'api_token.create': tokenCreated,
  'api_token.revoke': (c) => [`revoked ${token(c)}`],
  'api_token.delete': (c) => [`deleted ${token(c)}`],
  'sdk_key.create': (c) => [`created ${sdkKey(c)}`, ...ofEnv(c, 'for')],
  'sdk_key.rotate': rotated,
  'sdk_key.revoke': (c) => [`revoked ${sdkKey(c)}`, ...ofEnv(c, 'of')],
};
