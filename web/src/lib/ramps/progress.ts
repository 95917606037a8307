/** Where a ramp stands: its step and percentage, when it moves on, its status in words and colour. */
import type { Ramp, RampStatus } from '../../api/types';
import { scheduleLabel } from '../requests/schedule';

export const RAMP_COLOR: Record<RampStatus, string> = { active: 'blue', paused: 'yellow', completed: 'green', cancelled: 'gray' };

/** Active or paused: it holds the flag (another cannot start until it is cancelled). */
export const isRunning = (r: Pick<Ramp, 'status'>) => r.status === 'active' || r.status === 'paused';

/** The percentage the state serves the ramped variant at now. */
export const currentPercent = (r: Pick<Ramp, 'steps' | 'step'>) => r.steps[r.step]?.percent ?? 0;

/** What comes next while it is active: the next step's percentage (null: it completes) and when. */
export function nextMove(r: Pick<Ramp, 'status' | 'steps' | 'step' | 'nextAt'>): { at: number; percent: number | null } | null {
  if (r.status !== 'active' || typeof r.nextAt !== 'number') return null;
  return { at: r.nextAt, percent: r.steps[r.step + 1]?.percent ?? null };
}

/** "Step 2 of 5: 5 % get on." */
export const stepText = (r: Pick<Ramp, 'steps' | 'step' | 'variant'>) => `Step ${r.step + 1} of ${r.steps.length}: ${currentPercent(r)} % get ${r.variant}.`;

/** Where it stands, in words. */
export function rampSummary(r: Ramp, now: number = Date.now()): string {
  switch (r.status) {
    case 'active': {
      const next = nextMove(r);
      if (!next) return stepText(r);
      return next.percent === null
        ? `${stepText(r)} It completes at ${scheduleLabel(next.at, now)}.`
        : `${stepText(r)} Next: ${next.percent} % at ${scheduleLabel(next.at, now)}.`;
    }
    case 'paused':
      return `Paused at step ${r.step + 1} of ${r.steps.length} (${currentPercent(r)} % get ${r.variant}).`;
    case 'completed':
      return `Completed: ${currentPercent(r)} % get ${r.variant}.`;
    case 'cancelled':
      return `Cancelled at step ${r.step + 1} of ${r.steps.length}: the state stays as that step left it (${currentPercent(r)} % get ${r.variant}).`;
  }
}

/** The running ramps of one environment, by flag. */
export function runningByFlag(ramps: Ramp[], environmentId: string): Map<string, Ramp> {
  return new Map(ramps.filter((r) => r.environmentId === environmentId && isRunning(r)).map((r) => [r.flag, r]));
}

/** A short label for a running ramp: "ramping 5 %", "ramp paused at 5 %". */
export const rampBadge = (r: Ramp) => (r.status === 'paused' ? `ramp paused at ${currentPercent(r)} %` : `ramping ${currentPercent(r)} %`);
