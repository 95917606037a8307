/**
 * What a proposed change would do to what is stored now: the fields it changes, each with its
 * value now and the value proposed, as the audit log's diff shows them.
 */
import type { Change, Flag, FlagState, ProposedChange, Segment } from '../../api/types';
import { deepEqual } from '../json';

/** What a change is to, as stored now (null: not found, or not read yet). A ramp's is the flag's state. */
export type Stored = FlagState | Flag | Segment | null;

const FLAG_FIELDS = ['name', 'description', 'tags', 'variants', 'archived', 'clientVisible'] as const;
const SEGMENT_FIELDS = ['name', 'description', 'rule'] as const;

/** The fields the change sets, with their proposed values (what is absent from it stays). */
export function proposedFields(c: ProposedChange): Record<string, unknown> {
  if (c.kind === 'state') {
    return { enabled: c.enabled, defaultVariant: c.defaultVariant ?? null, targeting: c.targeting ?? null, prerequisites: c.prerequisites ?? [] };
  }
  if (c.kind === 'ramp') return { variant: c.variant, baseline: c.baseline, steps: c.steps };
  const out: Record<string, unknown> = {};
  const fields = c.kind === 'flag' ? FLAG_FIELDS : SEGMENT_FIELDS;
  for (const f of fields) {
    const v = (c as Record<string, unknown>)[f];
    if (v !== undefined && v !== null) out[f] = v;
  }
  return out;
}

/** A stored value as a change would compare it: a state without prerequisites has none. */
function storedField(stored: Record<string, unknown>, field: string): unknown {
  if (field === 'prerequisites') return stored.prerequisites ?? [];
  return stored[field] ?? null;
}

/**
 * Each field the change would change, now → proposed; unchanged fields are left out. A ramp
 * starts something new rather than changing fields: its plan is all proposed.
 */
export function changeDiff(c: ProposedChange, stored: Stored): Change[] {
  const now = (stored ?? {}) as Record<string, unknown>;
  const out: Change[] = [];
  for (const [field, after] of Object.entries(proposedFields(c))) {
    const before = c.kind === 'ramp' || (c.kind === 'state' && stored === null) ? undefined : storedField(now, field);
    if (!deepEqual(before, after)) out.push({ path: `/${field}`, before, after });
  }
  return out;
}

/** The stored version of what the change is to (0: a state never set). */
export const storedVersion = (stored: Stored): number => (stored ? stored.version : 0);

/** "State of checkout in production", "Ramp of checkout in production", "Flag checkout", "Segment beta-testers". */
export function changeLabel(c: ProposedChange, envName: (id: string) => string): string {
  switch (c.kind) {
    case 'state':
      return `State of ${c.flag} in ${envName(c.environmentId)}`;
    case 'ramp':
      return `Ramp of ${c.flag} in ${envName(c.environmentId)}`;
    case 'flag':
      return `Flag ${c.flag}`;
    case 'segment':
      return `Segment ${c.segment}`;
  }
}
