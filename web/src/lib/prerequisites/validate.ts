/**
 * Prerequisites checked before sending, as the API checks them (docs/prerequisites.md), and the
 * API's problems (JSON Pointers such as `/prerequisites/0/flag`) put in the same places: each
 * problem is keyed by the field it belongs to, `prerequisites/N/flag`, `prerequisites/N/variants`,
 * or `prerequisites` for the whole list (too many, a cycle, a chain too long).
 */
import { ApiError } from '../../api/client';
import type { Flag, Prerequisite } from '../../api/types';

export const MAX_PREREQUISITES = 10;

export type PrerequisiteProblems = Record<string, string>;

/** What the API would refuse in a state's prerequisites, given the project's flags. */
export function validatePrerequisites(list: Prerequisite[], flags: Pick<Flag, 'key' | 'archived' | 'variants'>[], self: string): PrerequisiteProblems {
  const out: PrerequisiteProblems = {};
  if (list.length > MAX_PREREQUISITES) out.prerequisites = `At most ${MAX_PREREQUISITES} prerequisites`;
  list.forEach((p, i) => {
    const at = `prerequisites/${i}`;
    const flag = flags.find((f) => f.key === p.flag);
    if (!p.flag) out[`${at}/flag`] = 'Choose a flag';
    else if (p.flag === self) out[`${at}/flag`] = 'A flag cannot be its own prerequisite';
    else if (list.findIndex((q) => q.flag === p.flag) < i) out[`${at}/flag`] = `${p.flag} is already a prerequisite above`;
    else if (!flag) out[`${at}/flag`] = `There is no flag ${p.flag} in this project`;
    else if (flag.archived) out[`${at}/flag`] = `${p.flag} is archived`;
    if (!p.flag) return;
    if (p.variants.length === 0) out[`${at}/variants`] = 'Choose at least one variant';
    else if (flag) {
      const unknown = p.variants.find((v) => !flag.variants.some((x) => x.name === v));
      if (unknown) out[`${at}/variants`] = `${unknown} is not a variant of ${p.flag}`;
    }
  });
  return out;
}

/** The API's problems with prerequisites (a 422), keyed as `validatePrerequisites` keys its own. */
export function apiPrerequisiteProblems(err: unknown): PrerequisiteProblems {
  const out: PrerequisiteProblems = {};
  if (!(err instanceof ApiError)) return out;
  for (const p of err.problems) {
    const m = /^\/prerequisites(?:\/(\d+)(?:\/(flag|variants))?)?(?:\/.*)?$/.exec(p.path);
    if (!m) continue;
    const key = m[1] !== undefined && m[2] ? `prerequisites/${m[1]}/${m[2]}` : 'prerequisites';
    out[key] = out[key] ? `${out[key]}; ${p.message}` : p.message;
  }
  return out;
}
