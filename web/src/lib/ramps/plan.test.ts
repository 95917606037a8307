import { describe, expect, it } from 'vitest';
import { holdMs, holdOf, initialVariants, planDuration, planText, PRESETS, stepDraft, stepProblems, stepsOf, variantProblems } from './plan';

describe("a ramp's plan", () => {
  it('accepts growing percentages held at least a second', () => {
    expect(stepProblems([{ percent: 1, holdMs: 1000 }, { percent: 100, holdMs: 1000 }])).toEqual({});
  });

  it('needs at least one step', () => {
    expect(stepProblems([])).toEqual({ steps: 'A ramp has 1 to 20 steps' });
  });

  it('takes at most 20 steps', () => {
    const steps = Array.from({ length: 21 }, (_, i) => ({ percent: i + 1, holdMs: 1000 }));
    expect(stepProblems(steps).steps).toBe('A ramp has 1 to 20 steps');
  });

  it('refuses a percentage that does not grow, at that step', () => {
    expect(stepProblems([{ percent: 25, holdMs: 1000 }, { percent: 25, holdMs: 1000 }])).toEqual({ 'steps/1/percent': 'More than the step before (25 %)' });
  });

  it('refuses percentages outside 1 to 100, and fractions', () => {
    const p = stepProblems([{ percent: 0, holdMs: 1000 }, { percent: 2.5, holdMs: 1000 }, { percent: 101, holdMs: 1000 }]);
    expect(Object.keys(p)).toEqual(['steps/0/percent', 'steps/1/percent', 'steps/2/percent']);
  });

  it('refuses a hold under a second or over a year', () => {
    expect(stepProblems([{ percent: 1, holdMs: 999 }, { percent: 2, holdMs: 367 * 86_400_000 }])).toEqual({
      'steps/0/holdMs': 'At least a second',
      'steps/1/holdMs': 'At most a year',
    });
  });

  it('needs two different variants', () => {
    expect(variantProblems('on', 'on')).toEqual({ baseline: 'Choose a variant other than the one ramped to' });
    expect(variantProblems(null, 'off')).toEqual({ variant: 'Choose the variant to ramp to' });
  });

  it('shows a hold in the largest unit that divides it', () => {
    expect(holdOf(7_200_000)).toEqual({ hold: 2, unit: 'h' });
    expect(holdOf(90_000)).toEqual({ hold: 90, unit: 's' });
    expect(holdMs(15, 'min')).toBe(900_000);
  });

  it('offers the usual 1 → 5 → 25 → 50 → 100 % hourly, and every preset passes the checks', () => {
    expect(planText(PRESETS[0].steps)).toBe('1 → 5 → 25 → 50 → 100 %');
    expect(planDuration(PRESETS[0].steps)).toBe(5 * 3_600_000);
    for (const p of PRESETS) expect(stepProblems(p.steps)).toEqual({});
  });

  it('reads typed steps back as the API takes them, and an empty field fails the checks', () => {
    expect(stepsOf([stepDraft({ percent: 5, holdMs: 7_200_000 })])).toEqual([{ percent: 5, holdMs: 7_200_000 }]);
    expect(Object.keys(stepProblems(stepsOf([{ percent: '', hold: '', unit: 'h' }])))).toEqual(['steps/0/percent', 'steps/0/holdMs']);
  });

  it('starts a boolean flag ramping its true variant over its false one, whatever the default', () => {
    const variants = [
      { name: 'on', value: true },
      { name: 'off', value: false },
    ];
    expect(initialVariants({ type: 'boolean', variants }, 'on')).toEqual({ variant: 'on', baseline: 'off' });
  });

  it('starts any other flag ramping a variant over its default', () => {
    const variants = ['red', 'green', 'blue'].map((name) => ({ name, value: name }));
    expect(initialVariants({ type: 'string', variants }, 'green')).toEqual({ variant: 'red', baseline: 'green' });
  });
});
