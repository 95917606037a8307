import { describe, expect, it } from 'vitest';
import { describeStale, type StateLike, staleReason } from './stale';

const DAY = 86_400_000;
const NOW = 100 * DAY;
const old = { key: 'f', createdAt: NOW - 30 * DAY, updatedAt: NOW - 30 * DAY };
const on = (s: Partial<StateLike> = {}): StateLike => ({ enabled: true, defaultVariant: 'off', targeting: null, updatedAt: NOW - 20 * DAY, ...s });
const rules = { if: [{ '==': [{ var: 'a' }, 1] }, 'on'] };
const stale = (flag: typeof old, state: StateLike | undefined, evaluated: Set<string> | null = new Set(['f'])) => staleReason(flag, state, evaluated, 7, NOW);

describe('stale flags', () => {
  it('enabled with no targeting, left so for the whole window, is fully rolled out', () => {
    expect(stale(old, on())).toEqual({ kind: 'rolled-out', variant: 'off', days: 7 });
  });

  it('a 100% split left so is fully rolled out', () => {
    expect(stale(old, on({ targeting: { fractional: [['on', 100], ['off', 0]] } }))).toEqual({ kind: 'rolled-out', variant: 'on', days: 7 });
  });

  it('a new flag switched on without targeting is not stale', () => {
    const fresh = { key: 'f', createdAt: NOW - 60_000, updatedAt: NOW - 60_000 };
    expect(stale(fresh, on({ updatedAt: NOW - 1000 }))).toBeNull();
  });

  it('an old flag just switched on without targeting is not stale', () => {
    expect(stale(old, on({ updatedAt: NOW - DAY }))).toBeNull();
  });

  it('an old flag whose definition just changed is not stale', () => {
    expect(stale({ ...old, updatedAt: NOW - DAY }, on())).toBeNull();
  });

  it('targeting with rules is not rolled out', () => {
    expect(stale(old, on({ targeting: rules }))).toBeNull();
  });

  it('prerequisites keep it from being rolled out to everyone', () => {
    expect(stale(old, on({ prerequisites: [{ flag: 'beta', variants: ['on'] }] }))).toBeNull();
  });

  it('a disabled flag is not rolled out', () => {
    expect(stale(old, on({ enabled: false }))).toBeNull();
  });

  it('not evaluated in the window is unused; without analytics nothing is', () => {
    expect(stale(old, on({ targeting: rules }), new Set())).toEqual({ kind: 'unused', days: 7 });
    expect(stale(old, on({ targeting: rules }), null)).toBeNull();
  });

  it('a young flag is never unused', () => {
    expect(stale({ key: 'f', createdAt: NOW - DAY, updatedAt: NOW - DAY }, on({ targeting: rules, updatedAt: 0 }), new Set())).toBeNull();
  });

  it('says for how long it has been rolled out', () => {
    expect(describeStale({ kind: 'rolled-out', variant: 'on', days: 14 })).toBe('Fully rolled out and unchanged for 14 days (everyone gets on): consider removing it from code');
  });
});
