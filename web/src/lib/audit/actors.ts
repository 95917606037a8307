/** Who made a change, in words: a member's name, an API token's, or what Switchyard itself runs. */
import type { AuditEntry, Member } from '../../api/types';

/** Switchyard's own actors (`system:NAME`), as a sentence names them. */
const SYSTEM: Record<string, string> = {
  scheduler: 'the scheduler',
  ramp: 'the ramp runner',
  webhooks: 'the webhook dispatcher',
  import: 'Switchyard',
};

/**
 * "Ada", "API token ci-bot", "the scheduler"; "a removed member" or "a removed API token" when the
 * API no longer knows the name, "the system" for an unknown system actor. `actorName` (from the
 * API) first; the members list for entries that lack it.
 */
export function actorText(e: Pick<AuditEntry, 'actor' | 'actorName'>, members?: Member[]): string {
  const at = e.actor.indexOf(':');
  const kind = at < 0 ? e.actor : e.actor.slice(0, at);
  const id = at < 0 ? '' : e.actor.slice(at + 1);
  const named = typeof e.actorName === 'string' && e.actorName.trim() ? e.actorName.trim() : null;
  switch (kind) {
    case 'user': {
      if (named) return named;
      const m = members?.find((x) => x.userId === id);
      return m ? m.name || m.email : 'a removed member';
    }
    case 'token':
      return named ? `API token ${named}` : 'a removed API token';
    case 'system':
      return SYSTEM[id] ?? 'the system';
    default:
      return named ?? 'someone';
  }
}

/** A member named by user id: name, else email; "a former member" once they are gone. */
export function memberText(userId: string, members?: Member[]): string {
  const m = members?.find((x) => x.userId === userId);
  return m ? m.name || m.email : 'a former member';
}
