/** Whether a flag looks stale in an environment: unused lately, or rolled out to everyone. */
import type { FlagdFlag } from '../api/types';
import { parseTargeting } from './targeting/parse';

export type StaleReason = { kind: 'unused'; days: number } | { kind: 'rolled-out'; variant: string | null };

/** Fully rolled out: enabled with no targeting, or a split that gives one variant 100%. */
export function rolledOut(state: FlagdFlag | undefined): StaleReason | null {
  if (!state || state.state !== 'ENABLED') return null;
  if (state.targeting === undefined || state.targeting === null) {
    return { kind: 'rolled-out', variant: state.defaultVariant };
  }
  const t = parseTargeting(state.targeting);
  if (t.kind !== 'rules' || t.rules.length > 0 || !t.otherwise) return null;
  const o = t.otherwise;
  if (o.kind === 'variant') return { kind: 'rolled-out', variant: o.variant };
  if (o.kind === 'split') {
    const full = o.buckets.find((b) => b.weight === 100);
    if (full) return { kind: 'rolled-out', variant: full.variant };
  }
  return null;
}

/**
 * The reason a flag is stale, if it is. `evaluated` is the set of flags evaluated in the last
 * `days` days (null when this server reports no analytics); a flag younger than that is never
 * "unused".
 */
export function staleReason(
  flag: { key: string; createdAt: number },
  state: FlagdFlag | undefined,
  evaluated: Set<string> | null,
  days: number,
  now: number = Date.now(),
): StaleReason | null {
  const r = rolledOut(state);
  if (r) return r;
  if (evaluated && !evaluated.has(flag.key) && now - flag.createdAt > days * 86_400_000) {
    return { kind: 'unused', days };
  }
  return null;
}

export function describeStale(r: StaleReason): string {
  return r.kind === 'unused'
    ? `Not evaluated in the last ${r.days} days`
    : `Fully rolled out${r.variant ? ` (everyone gets ${r.variant})` : ''}: consider removing it from code`;
}
