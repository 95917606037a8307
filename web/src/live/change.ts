/**
 * One change of the feed (`event: change`), parsed once from its JSON, and which of the
 * dashboard's queries it makes out of date (by their keys, see `src/api/*.ts`).
 */

export interface ChangeEvent {
  /** The change record's id (its `seq`, zero-padded): the `Last-Event-ID` to resume after. */
  id: string;
  projectId: string | null;
  environmentId: string | null;
  /** `user:ID`, `token:ID` or `system:NAME`. */
  actor: string;
  actorName: string | null;
  /** Such as `flag_state.update`, `flag.archive`, `segment.delete`. */
  action: string;
  /** Such as `flag:hero`. */
  target: string;
  /** The flag and segment keys the change touched. */
  keys: string[];
  /** The environments whose revision moved, with their new revision. */
  revisions: Record<string, number>;
  /** Unix milliseconds. */
  at: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The change in an event's data, or null when it is not one (bad JSON, a missing field). */
export function parseChange(data: string): ChangeEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const id = str(o.id);
  const action = str(o.action);
  if (!id || !action) return null;
  const revisions: Record<string, number> = {};
  if (o.revisions && typeof o.revisions === 'object' && !Array.isArray(o.revisions)) {
    for (const [env, rev] of Object.entries(o.revisions)) if (typeof rev === 'number') revisions[env] = rev;
  }
  return {
    id,
    projectId: str(o.projectId),
    environmentId: str(o.environmentId),
    actor: str(o.actor) ?? '',
    actorName: str(o.actorName),
    action,
    target: str(o.target) ?? '',
    keys: Array.isArray(o.keys) ? o.keys.filter((k): k is string => typeof k === 'string') : [],
    revisions,
    at: typeof o.at === 'number' ? o.at : Date.now(),
  };
}

type Key = readonly unknown[];

/** Evaluation counts are not changes, and an audit entry is never rewritten: no change touches them. */
export function untouchable(k: Key): boolean {
  return k.includes('evaluations') || (k[0] === 'orgs' && k[2] === 'audit' && k[3] === 'entry');
}

const starts = (k: Key, ...prefix: unknown[]) => prefix.every((p, i) => k[i] === p);

/** The environments a change moved: its own and every one in `revisions`. */
function envsOf(c: ChangeEvent): Set<string> {
  const s = new Set(Object.keys(c.revisions));
  if (c.environmentId) s.add(c.environmentId);
  return s;
}

/**
 * Whether the query with key `k` may be out of date after change `c` in organization `org`.
 * Narrow where the action says what it touched; anything unknown refreshes every query (except
 * evaluation counts and audit entries), so a new kind of change is never missed.
 */
export function affects(c: ChangeEvent, org: string, k: Key): boolean {
  if (untouchable(k)) return false;
  // Every change is a new entry of the log.
  if (starts(k, 'orgs', org, 'audit')) return true;
  const p = c.projectId;
  const envs = envsOf(c);
  const domain = c.action.split('.')[0];
  // An environment's states: its flagd document, its flag states, one flag's state.
  const envState = () =>
    !!p &&
    starts(k, 'projects', p, 'env') &&
    envs.has(k[3] as string) &&
    (k[4] === 'flagd' || k[4] === 'states' || (k[4] === 'flags' && (c.keys.length === 0 || c.keys.includes(k[5] as string))));
  const projectEnvState = () => !!p && starts(k, 'projects', p, 'env') && (k[4] === 'flagd' || k[4] === 'states' || k[4] === 'flags');
  const flagDefs = () => !!p && starts(k, 'projects', p, 'flags') && (k.length === 3 || c.keys.includes(k[3] as string));
  const under = (...prefix: unknown[]) => starts(k, ...prefix);
  switch (domain) {
    case 'flag_state':
      return envState();
    case 'flag':
      // Creating, archiving or deleting a flag adds or drops it from every environment's states.
      return flagDefs() || projectEnvState();
    case 'segment':
      return (!!p && under('projects', p, 'segments')) || envState();
    case 'ramp':
      return (!!p && under('projects', p, 'ramps')) || envState();
    case 'change_request':
    case 'schedule':
      return (!!p && under('projects', p, 'requests')) || envState();
    case 'environment':
      // Settings, keys, policies, an import: anything of the project may have moved.
      return !!p && under('projects', p);
    case 'project':
      return under('orgs', org, 'projects') || (!!p && under('projects', p) && (k.length === 2 || k[2] === 'environments'));
    case 'sdk_key':
      return !!p && under('projects', p, 'environments') && k[4] === 'keys';
    case 'member':
    case 'invitation':
      return under('me') || under('orgs', org, 'members') || under('orgs', org, 'invitations');
    case 'api_token':
      return under('orgs', org, 'tokens');
    case 'webhook':
      return under('orgs', org, 'webhooks');
    case 'organization':
      return under('me') || under('orgs', org);
    default:
      return true;
  }
}
