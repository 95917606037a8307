/**
 * An audit entry's change as readable lines instead of JSON: a flag state's on/off, default
 * variant, rules and prerequisites; a flag's variants, name, description and tags; a segment's
 * conditions; any other record field by field. Bookkeeping (versions, times, ids) is left out.
 */
import type { AuditEntry, Change, Prerequisite } from '../../api/types';
import { deepEqual, pointerTokens } from '../json';
import { piecesText, prerequisiteClause } from '../prerequisites/describe';
import { isObj, type Obj, short } from './parts';
import { conditionLines, type DiffLine, targetingLines } from './rules';

export type { DiffLine } from './rules';

/** Fields no reader needs to see change. */
const BOOKKEEPING = new Set(['version', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy', 'id', 'orgId', 'projectId', 'environmentId', 'flagKey', 'key', 'revision', 'seq']);

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);

/** A value in words: strings as they are, lists joined, anything else as short JSON. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (typeof v === 'string') return v === '' ? '(empty)' : short(v, 160);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) return v.length ? short(v.join(', '), 160) : '(none)';
  return short(JSON.stringify(v), 160);
}

const yesNo = (v: unknown) => (v === true ? 'yes' : 'no');

/** "Allowed origins" from `allowedOrigins`; "Filter › events" from `/filter/events`. */
export function fieldLabel(path: string): string {
  const words = (t: string) => t.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  const label = pointerTokens(path.startsWith('/') ? path : `/${path}`).map(words).join(' › ');
  return label ? label.charAt(0).toUpperCase() + label.slice(1) : 'The whole record';
}

/** One field before → after: added where it was empty, removed where it becomes empty. */
function field(what: string, before: unknown, after: unknown, text: (v: unknown) => string = valueText): DiffLine[] {
  if (deepEqual(before ?? null, after ?? null)) return [];
  if (empty(before)) return empty(after) ? [] : [{ what, change: 'added', after: text(after) }];
  if (empty(after)) return [{ what, change: 'removed', before: text(before) }];
  return [{ what, change: 'changed', before: text(before), after: text(after) }];
}

/** The fields not read otherwise, each as a line. */
function rest(b: Obj | undefined, a: Obj | undefined, handled: string[]): DiffLine[] {
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].filter((k) => !BOOKKEEPING.has(k) && !handled.includes(k)).sort();
  return keys.flatMap((k) => field(fieldLabel(k), b?.[k], a?.[k]));
}

const prerequisites = (v: unknown): Prerequisite[] => (Array.isArray(v) ? v.filter((p): p is Prerequisite => isObj(p) && typeof p.flag === 'string' && Array.isArray(p.variants)) : []);

function prerequisiteLines(before: unknown, after: unknown): DiffLine[] {
  const [b, a] = [prerequisites(before), prerequisites(after)];
  const text = (p: Prerequisite) => piecesText(prerequisiteClause(p));
  const out: DiffLine[] = [];
  for (const p of b) {
    const now = a.find((x) => x.flag === p.flag);
    if (!now) out.push({ what: 'Prerequisite', change: 'removed', before: text(p) });
    else if (!deepEqual(p.variants, now.variants)) out.push({ what: 'Prerequisite', change: 'changed', before: text(p), after: text(now) });
  }
  for (const p of a) if (!b.some((x) => x.flag === p.flag)) out.push({ what: 'Prerequisite', change: 'added', after: text(p) });
  return out;
}

/** A flag state: on/off, default variant, rules, prerequisites. */
export function stateLines(b: Obj | undefined, a: Obj | undefined): DiffLine[] {
  const onOff = (v: unknown) => (v === true ? 'on' : 'off');
  const enabled = b && a ? (b.enabled === true) !== (a.enabled === true) : true;
  return [
    ...(enabled ? field('Enabled', b ? onOff(b.enabled) : undefined, a ? onOff(a.enabled) : undefined) : []),
    ...field('Default variant', b?.defaultVariant, a?.defaultVariant),
    ...targetingLines(b?.targeting, a?.targeting),
    ...prerequisiteLines(b?.prerequisites, a?.prerequisites),
    ...rest(b, a, ['enabled', 'defaultVariant', 'targeting', 'prerequisites']),
  ];
}

const variants = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is { name: string; value: unknown } => isObj(x) && typeof x.name === 'string') : []);

/** A flag's definition: name, description, type, variants by name, tags, visibility, archived. */
export function flagLines(b: Obj | undefined, a: Obj | undefined): DiffLine[] {
  const [vb, va] = [variants(b?.variants), variants(a?.variants)];
  const variantLines: DiffLine[] = [];
  for (const v of vb) {
    const now = va.find((x) => x.name === v.name);
    if (!now) variantLines.push({ what: `Variant ${v.name}`, change: 'removed', before: valueText(v.value) });
    else if (!deepEqual(v.value, now.value)) variantLines.push({ what: `Variant ${v.name}`, change: 'changed', before: valueText(v.value), after: valueText(now.value) });
  }
  for (const v of va) if (!vb.some((x) => x.name === v.name)) variantLines.push({ what: `Variant ${v.name}`, change: 'added', after: valueText(v.value) });
  const tags = (o: Obj | undefined) => (Array.isArray(o?.tags) ? (o.tags as unknown[]).map(String) : []);
  const [tb, ta] = [tags(b), tags(a)];
  return [
    ...field('Name', b?.name, a?.name),
    ...field('Description', b?.description, a?.description),
    ...field('Type', b?.type, a?.type),
    ...variantLines,
    ...tb.filter((t) => !ta.includes(t)).map((t): DiffLine => ({ what: 'Tag', change: 'removed', before: t })),
    ...ta.filter((t) => !tb.includes(t)).map((t): DiffLine => ({ what: 'Tag', change: 'added', after: t })),
    ...(b && a ? field('Visible to client keys', yesNo(b.clientVisible), yesNo(a.clientVisible)) : field('Visible to client keys', b && yesNo(b.clientVisible), a && yesNo(a.clientVisible))),
    ...(b?.archived === true || a?.archived === true ? field('Archived', b && yesNo(b.archived), a && yesNo(a.archived)) : []),
    ...rest(b, a, ['name', 'description', 'type', 'variants', 'tags', 'clientVisible', 'archived']),
  ];
}

/** A segment: name, description, conditions. */
export function segmentLines(b: Obj | undefined, a: Obj | undefined): DiffLine[] {
  return [
    ...field('Name', b?.name, a?.name),
    ...field('Description', b?.description, a?.description),
    ...(deepEqual(b?.rule ?? null, a?.rule ?? null) ? [] : conditionLines(b?.rule, a?.rule)),
    ...rest(b, a, ['name', 'description', 'rule']),
  ];
}

/** Path by path, from the API's diff, for records without objects on both sides to compare. */
export function changeLines(changes: Change[]): DiffLine[] {
  return changes
    .filter((c) => !BOOKKEEPING.has(pointerTokens(c.path)[0] ?? ''))
    .flatMap((c) => field(fieldLabel(c.path), c.before, c.after));
}

/** Which reading an object of a record's kind gets. */
export type Reading = 'state' | 'flag' | 'segment' | 'other';

export function readingOf(action: string): Reading {
  if (action.startsWith('flag_state.')) return 'state';
  if (action.startsWith('flag.')) return 'flag';
  if (action.startsWith('segment.')) return 'segment';
  return 'other';
}

/** The lines of one before → after of a known kind (an entry, or one item of an import). */
export function objectLines(reading: Reading, before: unknown, after: unknown, changes: Change[] = []): DiffLine[] {
  const [b, a] = [isObj(before) ? before : undefined, isObj(after) ? after : undefined];
  if (!b && !a) return changeLines(changes);
  switch (reading) {
    case 'state':
      return stateLines(b, a);
    case 'flag':
      return flagLines(b, a);
    case 'segment':
      return segmentLines(b, a);
    default:
      return rest(b, a, []);
  }
}

/** A new project's record, `{project, environments}`: its name and its environments. */
function projectCreatedLines(after: Obj): DiffLine[] {
  const p = isObj(after.project) ? after.project : {};
  const envs = Array.isArray(after.environments) ? after.environments.filter(isObj).map((e) => String(e.name ?? e.key ?? '')) : [];
  return [...field('Name', undefined, p.name), ...field('Environments', undefined, envs), ...rest(undefined, p, ['name'])];
}

/** An entry's lines (an import's are read item by item instead: `importItems`). */
export function entryLines(e: Pick<AuditEntry, 'action' | 'before' | 'after' | 'changes'>): DiffLine[] {
  try {
    if (e.action === 'project.create' && isObj(e.after) && isObj(e.after.project)) return projectCreatedLines(e.after);
    return objectLines(readingOf(e.action), e.before, e.after, e.changes ?? []);
  } catch {
    // Something no reading expected: the JSON view still shows it.
    return changeLines(e.changes ?? []);
  }
}
