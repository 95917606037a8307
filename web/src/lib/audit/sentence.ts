/**
 * Each audit entry as one sentence: who did what, to what, where ("Ada turned on `hero-banner` in
 * production"). The families of actions are in `sentences/`; an action none of them knows still
 * reads as a sentence ("Ada made a change to flag `x` in production"), never as its code.
 */
import type { AuditEntry, Member } from '../../api/types';
import { actorText } from './actors';
import { code, type Ctx, type Describe, inEnv, isObj, type Part } from './parts';
import { ACCESS_SENTENCES } from './sentences/access';
import { ACCOUNT_SENTENCES } from './sentences/account';
import { FLAG_SENTENCES } from './sentences/flags';
import { REQUEST_SENTENCES } from './sentences/requests';
import { SETTINGS_SENTENCES } from './sentences/settings';

export { partsText, type Part } from './parts';

const SENTENCES: Record<string, Describe> = { ...FLAG_SENTENCES, ...ACCESS_SENTENCES, ...SETTINGS_SENTENCES, ...REQUEST_SENTENCES, ...ACCOUNT_SENTENCES };

/** What a sentence needs besides the entry: names of environments (by id) and of members. */
export interface SentenceNames {
  env?: (id: string) => string | undefined;
  members?: Member[];
}

/** How a target's kind is said before its key. */
const KINDS: Record<string, string> = {
  flag: 'flag',
  segment: 'segment',
  environment: 'environment',
  project: 'project',
  organization: 'the organization',
  member: 'a member',
  invitation: 'an invitation',
  api_token: 'an API token',
  sdk_key: 'an SDK key',
  webhook: 'a webhook',
  change_request: 'a change request',
  ramp: 'the ramp of',
};
/** Kinds whose key is a name to show (the others' keys are ids). */
const KEYED = new Set(['flag', 'segment', 'environment', 'ramp']);

/** "flag `x`", "a webhook", "something". */
function targetPhrase(c: Ctx): Part[] {
  const kind = KINDS[c.kind];
  if (!kind) return ['something'];
  return KEYED.has(c.kind) && c.key ? [`${kind} `, code(c.key)] : [kind];
}

/** For an action no family knows: a sentence that still says what it touched and where. */
const fallback = (c: Ctx): Part[] => ['made a change to ', ...targetPhrase(c), ...inEnv(c)];

function context(e: AuditEntry, names: SentenceNames): Ctx {
  const target = typeof e.target === 'string' ? e.target : '';
  const at = target.indexOf(':');
  const kind = at < 0 ? target : target.slice(0, at);
  const key = at < 0 ? '' : target.slice(at + 1);
  let env: string | null = null;
  if (e.environmentId) env = names.env?.(e.environmentId) ?? (kind === 'environment' && key ? key : 'an environment');
  return { e, kind, key, before: isObj(e.before) ? e.before : undefined, after: isObj(e.after) ? e.after : undefined, env, members: names.members };
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface EntrySentence {
  parts: Part[];
  /** Whether the action is one the dashboard knows (else the sentence is the general one). */
  known: boolean;
}

/** The entry as a sentence, the actor first. */
export function entrySentence(e: AuditEntry, names: SentenceNames = {}): EntrySentence {
  const c = context(e, names);
  const describe = SENTENCES[e.action];
  let said: Part[] | null = null;
  try {
    said = describe ? describe(c) : null;
  } catch {
    // A record shaped unlike its action's: the general sentence instead of a broken page.
    said = null;
  }
  return { parts: [capitalized(actorText(e, names.members)), ' ', ...(said ?? fallback(c))], known: !!said };
}

/** Every action the dashboard has a sentence for. */
export const KNOWN_ACTIONS = Object.keys(SENTENCES).sort();
