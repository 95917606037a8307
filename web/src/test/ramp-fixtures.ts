/** Ramps as the API sends them, for the tests. */
import type { Ramp } from '../api/types';

const HOUR = 3_600_000;

/** checkout in development ramping to `on` through 1 → 5 → 25 → 50 → 100 %, hourly, at its first step. */
export function ramp(over: Partial<Ramp> = {}): Ramp {
  return {
    orgId: 'o1',
    projectId: 'p1',
    environmentId: 'e-dev',
    flag: 'checkout',
    variant: 'on',
    baseline: 'off',
    steps: [1, 5, 25, 50, 100].map((percent) => ({ percent, holdMs: HOUR })),
    baseTargeting: null,
    step: 0,
    status: 'active',
    nextAt: Date.now() + HOUR,
    stateVersion: 4,
    problem: null,
    guard: null,
    request: null,
    createdBy: 'user:ada',
    createdAt: 0,
    updatedAt: 0,
    version: 1,
    ...over,
  };
}
