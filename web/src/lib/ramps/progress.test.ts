import { describe, expect, it } from 'vitest';
import { ramp } from '../../test/ramp-fixtures';
import { currentPercent, isRunning, nextMove, rampBadge, rampSummary, runningByFlag } from './progress';

const NOW = new Date(2027, 0, 5, 9, 0).getTime();
const HOUR = 3_600_000;

describe('where a ramp stands', () => {
  it('is at the percentage of its current step', () => {
    expect(currentPercent(ramp({ step: 1 }))).toBe(5);
  });

  it('says its step, its percentage and when the next one comes', () => {
    expect(rampSummary(ramp({ step: 1, nextAt: NOW + HOUR }), NOW)).toBe('Step 2 of 5: 5 % get on. Next: 25 % at Tue 5 Jan 2027, 10:00 (in 1 h).');
  });

  it('says when it completes at its last step', () => {
    expect(nextMove(ramp({ step: 4, nextAt: NOW + HOUR }))).toEqual({ at: NOW + HOUR, percent: null });
    expect(rampSummary(ramp({ step: 4, nextAt: NOW + HOUR }), NOW)).toContain('It completes at Tue 5 Jan 2027, 10:00');
  });

  it('has no next move while paused', () => {
    const r = ramp({ status: 'paused', nextAt: null });
    expect(nextMove(r)).toBeNull();
    expect(rampSummary(r)).toBe('Paused at step 1 of 5 (1 % get on).');
  });

  it('holds the flag while active or paused, not once completed or cancelled', () => {
    expect(['active', 'paused', 'completed', 'cancelled'].map((status) => isRunning({ status: status as never }))).toEqual([true, true, false, false]);
  });

  it("lists the running ramps of one environment by flag", () => {
    const m = runningByFlag([ramp(), ramp({ flag: 'old', status: 'completed' }), ramp({ flag: 'other', environmentId: 'e-prod' })], 'e-dev');
    expect([...m.keys()]).toEqual(['checkout']);
  });

  it('labels a running ramp for the flags list', () => {
    expect(rampBadge(ramp({ step: 2 }))).toBe('ramping 25 %');
    expect(rampBadge(ramp({ step: 2, status: 'paused' }))).toBe('ramp paused at 25 %');
  });
});
