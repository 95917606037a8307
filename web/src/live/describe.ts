/** A change of the feed as a sentence: "Ada turned off checkout in production". */
import type { ChangeEvent } from './change';

const VERBS: Record<string, string> = {
  'flag.create': 'created',
  'flag.update': 'edited',
  'flag.archive': 'archived',
  'flag.unarchive': 'unarchived',
  'flag.delete': 'deleted',
  'flag_state.update': 'changed',
  'flag_state.copy': 'copied a configuration to',
  'flag_state.restore': 'restored an earlier version of',
};

/** The flag a change is about (its first key, else its target without `flag:`). */
export function changedFlag(c: ChangeEvent): string {
  return c.keys[0] ?? c.target.replace(/^flag:/, '');
}

/**
 * `before` and `after`: whether the flag was on in the change's environment when the change
 * arrived and now (once the list has read it again); a difference says which way it went.
 */
export function describeChange(c: ChangeEvent, o: { who: string; envName: string | null; before?: boolean; after?: boolean }): string {
  let verb = VERBS[c.action] ?? 'changed';
  if (c.action === 'flag_state.update' && o.before !== undefined && o.after !== undefined && o.before !== o.after) {
    verb = o.after ? 'turned on' : 'turned off';
  }
  return `${o.who} ${verb} ${changedFlag(c)}${o.envName ? ` in ${o.envName}` : ''}`;
}
