/**
 * Whether a flag looks stale in an environment: unused lately, or rolled out to everyone and left
 * so. A flag created or changed (its definition or its state here) within the window is never
 * stale: a new flag switched on without targeting is being rolled out, not forgotten.
 */
import type { Json, Prerequisite } from '../api/types';
import { parseTargeting } from './targeting/parse';

export type StaleReason = { kind: 'unused'; days: number } | { kind: 'rolled-out'; variant: string | null; days: number };

/** What this needs of a flag's state in one environment (a `FlagState` or its view). */
export interface StateLike {
  enabled: boolean;
  defaultVariant?: string | null;
  targeting?: unknown;
  prerequisites?: Prerequisite[];
  /** Unix ms of the last change; 0 for a state never set. */
  updatedAt?: number;
}

const DAY_MS = 86_400_000;

/** Fully rolled out: enabled with no prerequisites and no targeting, or a split that gives one variant 100%. */
export function rolledOutVariant(state: StateLike | undefined): { variant: string | null } | null {
  if (!state || !state.enabled || (state.prerequisites?.length ?? 0) > 0) return null;
  if (state.targeting === undefined || state.targeting === null) return { variant: state.defaultVariant ?? null };
  const t = parseTargeting(state.targeting as Json);
  if (t.kind !== 'rules' || t.rules.length > 0 || !t.otherwise) return null;
  const o = t.otherwise;
  if (o.kind === 'variant') return { variant: o.variant };
  if (o.kind === 'split') {
    const full = o.buckets.find((b) => b.weight === 100);
    if (full) return { variant: full.variant };
  }
  return null;
}

/**
 * The reason a flag is stale, if it is. `evaluated` is the set of flags evaluated in the last
 * `days` days (null when this server reports no analytics). Nothing created or changed in the
 * last `days` days is stale.
 */
export function staleReason(
  flag: { key: string; createdAt: number; updatedAt?: number },
  state: StateLike | undefined,
  evaluated: Set<string> | null,
  days: number,
  now: number = Date.now(),
): StaleReason | null {
  const touched = Math.max(flag.createdAt, flag.updatedAt ?? 0, state?.updatedAt ?? 0);
  if (now - touched < days * DAY_MS) return null;
  const r = rolledOutVariant(state);
  if (r) return { kind: 'rolled-out', variant: r.variant, days };
  if (evaluated && !evaluated.has(flag.key)) return { kind: 'unused', days };
  return null;
}

export function describeStale(r: StaleReason): string {
  return r.kind === 'unused'
    ? `Not evaluated in the last ${r.days} days`
    : `Fully rolled out and unchanged for ${r.days} days${r.variant ? ` (everyone gets ${r.variant})` : ''}: consider removing it from code`;
}
