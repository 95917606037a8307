/** Reading audit entries for display: the flags an entry changed, each flag's last change, the request it came from. */
import type { AuditEntry, RequestRef } from '../../api/types';
import { lateText, when } from '../requests/schedule';
import { IMPORT_ACTION, importItems } from './imports';

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
