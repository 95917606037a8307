/** Turning an edit into a change request: the proposed change, a title for it, and 403 `approval_required`. */
import { ApiError } from '../../api/client';
import type { Flag, FlagChange, Json, Prerequisite, ProposedChange, RampChange, RampStep, StateChange } from '../../api/types';
import { planText } from '../ramps/plan';

/** What a state edit sets: on or off, the default variant, the targeting and the prerequisites. */
export interface StateEdit {
  enabled: boolean;
  defaultVariant: string | null;
  targeting: Json | null;
  /** Absent: none (a state change replaces the whole state, prerequisites included). */
  prerequisites?: Prerequisite[];
}

/** A state change made on `baseVersion`, the version the user edited (0 when never set). */
export function stateChange(environmentId: string, flag: string, baseVersion: number, edit: StateEdit): StateChange {
  return {
    kind: 'state',
    environmentId,
    flag,
    baseVersion,
    enabled: edit.enabled,
    defaultVariant: edit.defaultVariant,
    targeting: edit.targeting,
    prerequisites: edit.prerequisites ?? [],
  };
}

/** A ramp's plan to start once approved, made on the state's version `baseVersion` (0 when never set). */
export interface RampPlan {
  variant: string;
  baseline: string;
  steps: RampStep[];
}

export function rampChange(environmentId: string, flag: string, baseVersion: number, plan: RampPlan): RampChange {
  return { kind: 'ramp', environmentId, flag, baseVersion, variant: plan.variant, baseline: plan.baseline, steps: plan.steps };
}

/** "Ramp checkout to on in production (1 → 5 → 100 %)". */
export const rampTitle = (flag: string, envName: string, plan: Pick<RampPlan, 'variant' | 'steps'>) =>
  `Ramp ${flag} to ${plan.variant} in ${envName} (${planText(plan.steps)})`;

/** A change to a flag's definition: only the fields given, against the flag's version. */
export function flagChange(flag: Pick<Flag, 'key' | 'version'>, fields: Omit<FlagChange, 'kind' | 'flag' | 'baseVersion'>): FlagChange {
  return { kind: 'flag', flag: flag.key, baseVersion: flag.version, ...fields };
}

/** "Turn on checkout in production", "Turn off …", or "Change checkout in production". */
export function stateTitle(flag: string, envName: string, wasEnabled: boolean | null, edit: Pick<StateEdit, 'enabled'>): string {
  if (wasEnabled !== edit.enabled) return `Turn ${edit.enabled ? 'on' : 'off'} ${flag} in ${envName}`;
  return `Change ${flag} in ${envName}`;
}

/** A title for a proposal: what its one change does, or how many changes it holds. */
export function proposalTitle(changes: ProposedChange[], envName: (id: string) => string): string {
  if (changes.length !== 1) return `${changes.length} changes`;
  const c = changes[0];
  switch (c.kind) {
    case 'state':
      return stateTitle(c.flag, envName(c.environmentId), null, c);
    case 'flag':
      if (c.archived === true) return `Archive ${c.flag}`;
      if (c.archived === false) return `Unarchive ${c.flag}`;
      if (c.variants) return `Change the variants of ${c.flag}`;
      if (c.clientVisible === true) return `Show ${c.flag} to client keys`;
      if (c.clientVisible === false) return `Hide ${c.flag} from client keys`;
      return `Change the details of ${c.flag}`;
    case 'segment':
      return `Change segment ${c.segment}`;
    case 'ramp':
      return rampTitle(c.flag, envName(c.environmentId), c);
  }
}

/**
 * The environments (keys) a refused direct change reaches, when the API refused it because they
 * require approval (403 `approval_required`); null for any other answer.
 */
export function approvalRequiredIn(err: unknown): string[] | null {
  if (!(err instanceof ApiError) || err.status !== 403 || err.code !== 'approval_required') return null;
  const envs = (err.details as { environments?: unknown } | null)?.environments;
  return Array.isArray(envs) ? envs.filter((e): e is string => typeof e === 'string') : [];
}
