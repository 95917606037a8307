/** An import (`environment.import`) read item by item: each flag, flag state and segment it changed. */
import type { AuditEntry, Change } from '../../api/types';

/** The action of a flagd document imported into an environment (target `environment:{key}`). */
export const IMPORT_ACTION = 'environment.import';

export type ImportSection = 'flags' | 'states' | 'segments';
const SECTIONS: ImportSection[] = ['flags', 'states', 'segments'];

export type ImportStatus = 'created' | 'changed' | 'removed';

/** One flag, flag state or segment that an import changed, with its changes (paths inside it). */
export interface ImportItem {
  section: ImportSection;
  key: string;
  status: ImportStatus;
  changes: Change[];
  /** The item as it was and as the import left it (undefined: it did not exist). */
  before: unknown;
  after: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null;
/** A JSON Pointer segment (RFC 6901). */
const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * What an import changed, section by section: `before` and `after` are
 * `{flags: {}, states: {}, segments: {}}` holding only what changed.
 */
export function importItems(e: Pick<AuditEntry, 'before' | 'after' | 'changes'>): ImportItem[] {
  const before = isObj(e.before) ? e.before : {};
  const after = isObj(e.after) ? e.after : {};
  const out: ImportItem[] = [];
  for (const section of SECTIONS) {
    const b = isObj(before[section]) ? (before[section] as Obj) : {};
    const a = isObj(after[section]) ? (after[section] as Obj) : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    for (const key of keys) {
      const had = present(b[key]);
      const has = present(a[key]);
      if (!had && !has) continue;
      const prefix = `/${section}/${pointer(key)}`;
      let changes = (e.changes ?? [])
        .filter((c) => c.path === prefix || c.path.startsWith(`${prefix}/`))
        .map((c) => ({ ...c, path: c.path.slice(prefix.length) }));
      if (changes.length === 0) changes = [{ path: '', before: b[key], after: a[key] }];
      // A side that did not exist shows as "(none)", not as JSON null.
      changes = changes.map((c) => ({ ...c, before: had ? c.before : undefined, after: has ? c.after : undefined }));
      out.push({ section, key, status: !had ? 'created' : !has ? 'removed' : 'changed', changes, before: had ? b[key] : undefined, after: has ? a[key] : undefined });
    }
  }
  return out;
}

const NOUNS: Record<ImportSection, [string, string]> = {
  flags: ['flag', 'flags'],
  states: ['flag state', 'flag states'],
  segments: ['segment', 'segments'],
};

/** Such as "1 flag created, 2 flag states changed". */
export function importSummary(items: ImportItem[]): string {
  const parts: string[] = [];
  for (const section of SECTIONS) {
    for (const status of ['created', 'changed', 'removed'] as ImportStatus[]) {
      const n = items.filter((i) => i.section === section && i.status === status).length;
      if (n) parts.push(`${n} ${NOUNS[section][n === 1 ? 0 : 1]} ${status}`);
    }
  }
  return parts.length ? parts.join(', ') : 'nothing changed';
}

/** How a section's item is named: "Flag beta", "State of beta", "Segment testers". */
export function importItemLabel(i: Pick<ImportItem, 'section' | 'key'>): string {
  return i.section === 'flags' ? `Flag ${i.key}` : i.section === 'states' ? `State of ${i.key}` : `Segment ${i.key}`;
}
