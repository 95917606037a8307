/**
 * What the command palette offers where the user is: every flag of the project at hand (by key or
 * name), the pages of the project and of the organization, the project's environments, and
 * actions ("New flag", the shortcut list). Pure: the palette turns each into a Spotlight action.
 */
import type { Environment, Flag } from '../../api/types';
import { envPath, flagPath, orgPath } from '../../scope';

export interface Command {
  id: string;
  group: 'Flags' | 'Pages' | 'Environments' | 'Actions';
  label: string;
  description?: string;
  keywords?: string[];
  /** Where it goes; or what it does, for actions. */
  to?: string;
  run?: 'new-flag' | 'shortcuts';
}

export interface Where {
  org: string;
  /** The project and environment at hand (or last opened); null outside any. */
  place: { project: string; envKey: string } | null;
  /** The flag page the user is on, if any. */
  flag?: string;
  flags: Flag[];
  environments: Environment[];
  /** May create flags (editor and above). */
  canCreate: boolean;
}

/** The pages of a project, under one environment. */
const PROJECT_PAGES: [string, string, string[]][] = [
  ['flags', 'Flags', ['feature flags', 'toggles']],
  ['segments', 'Segments', ['audiences', 'groups']],
  ['environments', 'Environments & SDK keys', ['keys', 'sdk', 'origins']],
  ['requests', 'Change requests', ['approvals', 'reviews']],
  ['schedules', 'Schedules', ['calendar', 'scheduled changes']],
  ['analytics', 'Analytics', ['evaluations', 'usage']],
];

/** The organization's pages. `settings` is the organization's settings page. */
const ORG_PAGES: [string, string, string[]][] = [
  ['projects', 'Projects', []],
  ['members', 'Members', ['people', 'invitations', 'roles']],
  ['tokens', 'API tokens', ['tokens', 'ci']],
  ['webhooks', 'Webhooks', ['slack', 'teams', 'notifications']],
  ['audit', 'Audit log', ['history', 'changes']],
  ['settings', 'Organization settings', ['rename', 'organization']],
];

export function paletteCommands(w: Where): Command[] {
  if (!w.org) return [];
  const out: Command[] = [];
  const { place } = w;
  if (place) {
    for (const f of [...w.flags].sort((a, b) => a.key.localeCompare(b.key))) {
      out.push({
        id: `flag:${f.key}`,
        group: 'Flags',
        label: f.name && f.name !== f.key ? f.name : f.key,
        description: `${f.key}${f.archived ? ' (archived)' : ''}`,
        keywords: [f.key, ...(f.tags ?? [])],
        to: flagPath(w.org, place.project, place.envKey, f.key),
      });
    }
    for (const [page, label, keywords] of PROJECT_PAGES) {
      out.push({ id: `page:${page}`, group: 'Pages', label, keywords, to: `${envPath(w.org, place.project, place.envKey)}/${page}` });
    }
  }
  for (const [page, label, keywords] of ORG_PAGES) {
    out.push({ id: `page:${page}`, group: 'Pages', label, keywords, to: `${orgPath(w.org)}/${page}` });
  }
  if (place && w.flag) {
    out.push({
      id: 'page:flag-history',
      group: 'Pages',
      label: `History of ${w.flag}`,
      description: 'Every change to this flag, in every environment',
      to: `${flagPath(w.org, place.project, place.envKey, w.flag)}?tab=history`,
    });
  }
  if (place) {
    for (const e of w.environments) {
      if (e.key === place.envKey) continue;
      out.push({ id: `env:${e.key}`, group: 'Environments', label: `Switch to ${e.name}`, keywords: [e.key], to: `${envPath(w.org, place.project, e.key)}/flags` });
    }
  }
  if (place && w.canCreate) out.push({ id: 'action:new-flag', group: 'Actions', label: 'New flag', description: 'Create a flag in this project', keywords: ['create', 'add'], run: 'new-flag' });
  out.push({ id: 'action:shortcuts', group: 'Actions', label: 'Keyboard shortcuts', description: 'Show the shortcut list (?)', keywords: ['keys', 'help'], run: 'shortcuts' });
  return out;
}
