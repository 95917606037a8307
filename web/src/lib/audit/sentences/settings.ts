/** Sentences about the organization, its projects, environments and webhooks. */
import { deepEqual } from '../../json';
import { changedFields, type Ctx, type Describe, isObj, list, type Part, quote, str } from '../parts';

const name = (c: Ctx) => str(c.after, 'name') ?? str(c.before, 'name');

/** A project's record holds the project, or (on creation) `{project, environments}`. */
const projectName = (c: Ctx) => name(c) ?? str(isObj(c.after?.project) ? c.after.project : undefined, 'name') ?? str(isObj(c.before?.project) ? c.before.project : undefined, 'name');

function projectCreated(c: Ctx): Part[] {
  const envs = Array.isArray(c.after?.environments) ? (c.after.environments as unknown[]).map((e) => str(isObj(e) ? e : undefined, 'name')).filter((n): n is string => !!n) : [];
  const p = projectName(c);
  return [`created ${p ? `project ${p}` : 'a project'}${envs.length ? ` with ${envs.length === 1 ? 'the environment' : 'the environments'} ${list(envs)}` : ''}`];
}

/** "kept the audit log 30 days (was 365)": a change of the organization's retention settings. */
function retention(c: Ctx): Part[] | null {
  const said: string[] = [];
  for (const [field, what] of [
    ['auditRetentionDays', 'the audit log'],
    ['analyticsRetentionDays', 'analytics'],
  ] as const) {
    const [was, now] = [c.before?.[field], c.after?.[field]];
    if (typeof now === 'number' && typeof was === 'number' && was !== now) said.push(`${what} for ${now} days (was ${was})`);
  }
  return said.length ? [`set the organization to keep ${said.join(' and ')}`] : null;
}

function renamed(what: string, c: Ctx): Part[] | null {
  const [from, to] = [str(c.before, 'name'), str(c.after, 'name')];
  return from && to && from !== to ? [`renamed ${what} ${from} to ${to}`] : null;
}

function projectUpdate(c: Ctx): Part[] {
  if (!c.before || !c.after) return [`changed ${projectName(c) ? `project ${projectName(c)}` : 'a project'}`];
  const fields = changedFields(c.before, c.after, ['name', 'clientVisibleByDefault']);
  const p = name(c) ?? 'a project';
  if (fields.length === 1 && fields[0] === 'name') return renamed('project', c) ?? [`renamed project ${p}`];
  if (fields.length === 1 && fields[0] === 'clientVisibleByDefault') {
    return [`made new flags of project ${p} ${c.after?.clientVisibleByDefault ? 'visible to' : 'hidden from'} client keys by default`];
  }
  return [`changed the settings of project ${p}`];
}

const ENV_WORDS: Record<string, string> = {
  name: 'name',
  allowedOrigins: 'allowed origins',
  secureMode: 'secure mode',
  customEvents: 'custom events',
  approval: 'approval policy',
  critical: 'criticality',
};

function environmentUpdate(c: Ctx): Part[] {
  const env = name(c) ?? c.env ?? c.key;
  if (!c.before || !c.after) return [`changed environment ${env}`];
  const fields = changedFields(c.before, c.after, Object.keys(ENV_WORDS));
  const on = (f: string) => c.after?.[f] === true;
  if (fields.length === 1) {
    switch (fields[0]) {
      case 'name':
        return renamed('environment', c) ?? [`renamed environment ${env}`];
      case 'secureMode':
        return [`turned ${on('secureMode') ? 'on' : 'off'} secure mode in ${env}`];
      case 'customEvents':
        return [`turned ${on('customEvents') ? 'on' : 'off'} custom events in ${env}`];
      case 'critical':
        return on('critical') ? [`marked ${env} as critical`] : [`marked ${env} as not critical`];
      case 'approval': {
        const [had, has] = [c.before?.approval ?? null, c.after?.approval ?? null];
        if (!had) return [`made changes in ${env} require approval`];
        if (!has) return [`stopped requiring approval in ${env}`];
        return [`changed the approval policy of ${env}`];
      }
    }
  }
  if (fields.length === 0) return [`saved environment ${env} without changes`];
  return [`changed the ${list(fields.map((f) => ENV_WORDS[f]))} of ${env}`];
}

/** A webhook by its description, else its URL, else its kind: webhook “Deploys”. */
function webhook(c: Ctx): string {
  const kind = str(c.after, 'kind') ?? str(c.before, 'kind');
  const label = str(c.after, 'description') ?? str(c.before, 'description') ?? str(c.after, 'url') ?? str(c.before, 'url');
  const what = kind === 'slack' ? 'the Slack webhook' : kind === 'teams' ? 'the Microsoft Teams webhook' : 'webhook';
  return label ? `${what} ${quote(label)}` : what === 'webhook' ? 'a webhook' : what;
}

function webhookUpdate(c: Ctx): Part[] {
  if (!c.before || !c.after) return [`changed ${webhook(c)}`];
  const [was, is] = [c.before?.enabled, c.after?.enabled];
  const fields = changedFields(c.before, c.after, ['url', 'description', 'filter']);
  const toggled = typeof was === 'boolean' && typeof is === 'boolean' && was !== is;
  const words = fields.map((f) => (f === 'filter' ? 'events' : f === 'url' ? 'URL' : f));
  if (toggled && !words.length) return [`turned ${is ? 'on' : 'off'} ${webhook(c)}`];
  if (toggled) return [`turned ${is ? 'on' : 'off'} ${webhook(c)} and changed its ${list(words)}`];
  if (words.length) return [`changed the ${list(words)} of ${webhook(c)}`];
  return deepEqual(c.before?.secrets, c.after?.secrets) ? [`saved ${webhook(c)} without changes`] : [`changed the secrets of ${webhook(c)}`];
}

export const SETTINGS_SENTENCES: Record<string, Describe> = {
  'organization.create': (c) => [`created the organization${name(c) ? ` ${name(c)}` : ''}`],
  'organization.update': (c) => retention(c) ?? renamed('the organization', c) ?? (str(c.after, 'name') ? [`renamed the organization to ${str(c.after, 'name')}`] : ['changed the organization']),
  'project.create': projectCreated,
  'project.update': projectUpdate,
  'project.delete': (c) => [`deleted ${projectName(c) ? `project ${projectName(c)}` : 'a project'}`],
  'environment.create': (c) => [`created environment ${name(c) ?? c.key}`],
  'environment.update': environmentUpdate,
  'environment.delete': (c) => [`deleted environment ${name(c) ?? c.key}`],
  'webhook.create': (c) => [`added ${webhook(c)}`],
  'webhook.update': webhookUpdate,
  'webhook.rotate': (c) => [`rotated the signing secret of ${webhook(c)}`],
  'webhook.delete': (c) => [`deleted ${webhook(c)}`],
  'webhook.disable': (c) => {
    const reason = str(c.after, 'disabledReason');
    return [`turned off ${webhook(c)} after it kept failing${reason ? `: ${reason}` : ''}`];
  },
  'webhook.test': (c) => [`sent a test event to ${webhook(c)}`],
};
