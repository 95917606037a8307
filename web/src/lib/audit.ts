/** Reading audit entries for display: imports item by item, and each flag's last change. */
import type { AuditEntry, Change, RequestRef } from '../api/types';
import { lateText, when } from './requests/schedule';

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
      out.push({ section, key, status: !had ? 'created' : !has ? 'removed' : 'changed', changes });
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

/** The flag keys an entry changed: its `flag:` target, or every flag and state an import touched. */
export function flagKeysOf(e: AuditEntry): string[] {
  if (e.target.startsWith('flag:')) return [e.target.slice('flag:'.length)];
  if (e.action === IMPORT_ACTION) {
    const keys = importItems(e)
      .filter((i) => i.section !== 'segments')
      .map((i) => i.key);
    return [...new Set(keys.length ? keys : (e.keys ?? []))];
  }
  return [];
}

/** The latest change of each flag among entries read newest first. */
export function lastFlagChanges(entries: AuditEntry[]): Map<string, { at: number; actor: string }> {
  const m = new Map<string, { at: number; actor: string }>();
  for (const e of entries) {
    for (const key of flagKeysOf(e)) {
      const cur = m.get(key);
      if (!cur || cur.at < e.at) m.set(key, { at: e.at, actor: e.actor });
    }
  }
  return m;
}

/** The change request a record came from, in words: who approved it, a bypass, its time. */
export interface RequestNote {
  /** "approved by Ada, Bob", "no approval needed", or "applied without approvals by Ada: “…”". */
  approval: string;
  /** "scheduled for Tue 8 Dec 2026, 14:00", when it was. */
  scheduled: string | null;
  /** "applied 2 min late", when its runner was down at the time. */
  late: string | null;
}

export function requestNote(ref: RequestRef, name: (actor: string) => string): RequestNote {
  const approval = ref.bypass
    ? `applied without approvals by ${name(ref.bypass.by)}: “${ref.bypass.reason}”`
    : ref.approvers.length
      ? `approved by ${ref.approvers.map(name).join(', ')}`
      : 'no approval needed';
  return {
    approval,
    scheduled: typeof ref.scheduledAt === 'number' ? `scheduled for ${when(ref.scheduledAt)}` : null,
    late: typeof ref.lateByMs === 'number' && ref.lateByMs > 0 ? lateText(ref.lateByMs) : null,
  };
}

/** What a record is about, for its heading: a change request by its title, anything else by its target. */
export function targetLabel(e: Pick<AuditEntry, 'target' | 'before' | 'after'>): string {
  if (!e.target.startsWith('change_request:')) return e.target;
  const title = [e.after, e.before].map((v) => (v && typeof v === 'object' ? (v as { title?: unknown }).title : undefined)).find((t) => typeof t === 'string');
  return title ? `change request “${title}”` : e.target;
}

/** The request a record is about: the one it came from, or its own target (`change_request:ID`). */
export function requestIdOf(e: Pick<AuditEntry, 'request' | 'target'>): string | null {
  if (e.request) return e.request.id;
  return e.target.startsWith('change_request:') ? e.target.slice('change_request:'.length) : null;
}
