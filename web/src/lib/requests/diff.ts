/**
 * What a proposed change would do to what is stored now: the fields it changes, each with its
 * value now and the value proposed, as the audit log's diff shows them.
 */
import type { Change, Flag, FlagState, ProposedChange, Segment } from '../../api/types';
import { deepEqual } from '../json';

/** What a change is to, as stored now (null: not found, or not read yet). */
export type Stored = FlagState | Flag | Segment | null;

const FLAG_FIELDS = ['name', 'description', 'tags', 'variants', 'archived', 'clientVisible'] as const;
const SEGMENT_FIELDS = ['name', 'description', 'rule'] as const;

/** The fields the change sets, with their proposed values (what is absent from it stays). */
export function proposedFields(c: ProposedChange): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.kind === 'state') return { enabled: c.enabled, defaultVariant: c.defaultVariant ?? null, targeting: c.targeting ?? null };
  const fields = c.kind === 'flag' ? FLAG_FIELDS : SEGMENT_FIELDS;
  for (const f of fields) {
    const v = (c as Record<string, unknown>)[f];
    if (v !== undefined && v !== null) out[f] = v;
  }
  return out;
}

/** Each field the change would change, now → proposed; unchanged fields are left out. */
export function changeDiff(c: ProposedChange, stored: Stored): Change[] {
  const now = (stored ?? {}) as Record<string, unknown>;
  const out: Change[] = [];
  for (const [field, after] of Object.entries(proposedFields(c))) {
    const before = c.kind === 'state' && stored === null ? undefined : (now[field] ?? null);
    if (!deepEqual(before, after)) out.push({ path: `/${field}`, before, after });
  }
  return out;
}

/** The stored version of what the change is to (0: a state never set). */
export const storedVersion = (stored: Stored): number => (stored ? stored.version : 0);

/** "State of checkout in production", "Flag checkout", "Segment beta-testers". */
export function changeLabel(c: ProposedChange, envName: (id: string) => string): string {
  if (c.kind === 'state') return `State of ${c.flag} in ${envName(c.environmentId)}`;
  return c.kind === 'flag' ? `Flag ${c.flag}` : `Segment ${c.segment}`;
}
