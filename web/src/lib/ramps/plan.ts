/**
 * A ramp's plan: its steps (a growing percentage of a variant, each held a while), presets,
 * holds as a number and a unit, the checks the API makes before it starts one, and the plan in
 * words.
 */
import type { Flag, RampStep } from '../../api/types';
import { duration } from '../requests/schedule';

export const MAX_STEPS = 20;
export const MIN_HOLD_MS = 1000;
/** A year (366 days), the longest hold the API takes. */
export const MAX_HOLD_MS = 366 * 24 * 3600 * 1000;

export type HoldUnit = 's' | 'min' | 'h' | 'd';
export const UNIT_MS: Record<HoldUnit, number> = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
export const UNITS: { value: HoldUnit; label: string }[] = [
  { value: 's', label: 'seconds' },
  { value: 'min', label: 'minutes' },
  { value: 'h', label: 'hours' },
  { value: 'd', label: 'days' },
];

/** A hold in the largest unit that divides it evenly: 7_200_000 → 2 h. */
export function holdOf(ms: number): { hold: number; unit: HoldUnit } {
  for (const unit of ['d', 'h', 'min'] as HoldUnit[]) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return { hold: ms / UNIT_MS[unit], unit };
  }
  return { hold: ms / 1000, unit: 's' };
}

export const holdMs = (hold: number, unit: HoldUnit) => Math.round(hold * UNIT_MS[unit]);

const every = (percents: number[], ms: number): RampStep[] => percents.map((percent) => ({ percent, holdMs: ms }));

export interface Preset {
  value: string;
  label: string;
  steps: RampStep[];
}

export const PRESETS: Preset[] = [
  { value: 'hourly', label: '1 → 5 → 25 → 50 → 100 %, hourly', steps: every([1, 5, 25, 50, 100], UNIT_MS.h) },
  { value: 'daily', label: '1 → 5 → 25 → 50 → 100 %, daily', steps: every([1, 5, 25, 50, 100], UNIT_MS.d) },
  { value: 'quarter', label: '10 → 25 → 50 → 100 %, every 15 minutes', steps: every([10, 25, 50, 100], 15 * UNIT_MS.min) },
  { value: 'halves', label: '50 → 100 %, a day each', steps: every([50, 100], UNIT_MS.d) },
];

/**
 * What the API would refuse in a plan, keyed by the field its problem names (`steps`,
 * `steps/N/percent`, `steps/N/holdMs`), so that local and API problems show in the same place.
 */
export function stepProblems(steps: RampStep[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (steps.length === 0 || steps.length > MAX_STEPS) out.steps = `A ramp has 1 to ${MAX_STEPS} steps`;
  let last = 0;
  steps.forEach((s, i) => {
    if (!Number.isInteger(s.percent) || s.percent < 1 || s.percent > 100) out[`steps/${i}/percent`] = 'A whole percentage from 1 to 100';
    else if (s.percent <= last) out[`steps/${i}/percent`] = `More than the step before (${last} %)`;
    if (!Number.isFinite(s.holdMs) || s.holdMs < MIN_HOLD_MS) out[`steps/${i}/holdMs`] = 'At least a second';
    else if (s.holdMs > MAX_HOLD_MS) out[`steps/${i}/holdMs`] = 'At most a year';
    if (Number.isInteger(s.percent)) last = Math.max(last, s.percent);
  });
  return out;
}

/** The variants' problems: both chosen, and not the same one. */
export function variantProblems(variant: string | null, baseline: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!variant) out.variant = 'Choose the variant to ramp to';
  if (!baseline) out.baseline = 'Choose the variant everyone else keeps';
  else if (baseline === variant) out.baseline = 'Choose a variant other than the one ramped to';
  return out;
}

/** "1 → 5 → 25 → 100 %". */
export const planText = (steps: RampStep[]) => `${steps.map((s) => s.percent).join(' → ')} %`;

/** How long the whole plan takes when nothing pauses it (every hold, the last one included). */
export const planDuration = (steps: RampStep[]) => steps.reduce((t, s) => t + s.holdMs, 0);

/** Each step in words: "1 % for 1 h". */
export const stepText = (s: RampStep) => `${s.percent} % for ${duration(s.holdMs)}`;

/** One step as typed in the editor: numbers may be empty while they are edited. */
export interface StepDraft {
  percent: number | '';
  hold: number | '';
  unit: HoldUnit;
}

export const stepDraft = (s: RampStep): StepDraft => ({ percent: s.percent, ...holdOf(s.holdMs) });

/** The typed steps as the API takes them (an empty number is NaN, which the checks refuse). */
export const stepsOf = (drafts: StepDraft[]): RampStep[] =>
  drafts.map((d) => ({ percent: d.percent === '' ? NaN : d.percent, holdMs: d.hold === '' ? NaN : holdMs(d.hold, d.unit) }));

/**
 * The variants a new plan starts from: a boolean flag ramps its `true` variant over its `false`
 * one; any other ramps its first variant that is not the default over the default.
 */
export function initialVariants(flag: Pick<Flag, 'type' | 'variants'>, defaultVariant: string | null | undefined): { variant: string | null; baseline: string | null } {
  const names = flag.variants.map((v) => v.name);
  if (flag.type === 'boolean') {
    const on = flag.variants.find((v) => v.value === true)?.name;
    const off = flag.variants.find((v) => v.value === false)?.name;
    if (on && off) return { variant: on, baseline: off };
  }
  const baseline = defaultVariant && names.includes(defaultVariant) ? defaultVariant : (names[0] ?? null);
  return { variant: names.find((n) => n !== baseline) ?? null, baseline };
}
