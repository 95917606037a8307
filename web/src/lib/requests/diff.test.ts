import { describe, expect, it } from 'vitest';
import type { Flag, FlagState } from '../../api/types';
import { changeDiff, changeLabel, proposedFields } from './diff';

const state: FlagState = { environmentId: 'e', flagKey: 'checkout', enabled: false, defaultVariant: 'on', targeting: null, version: 3, updatedBy: 'user:a', updatedAt: 0 };
const flag = { key: 'checkout', name: 'Checkout', description: '', archived: false, tags: ['a'], version: 5 } as unknown as Flag;

describe('a proposed change against what is stored', () => {
  it('shows only the state fields it changes, now → proposed', () => {
    const c = { kind: 'state' as const, environmentId: 'e', flag: 'checkout', baseVersion: 3, enabled: true, defaultVariant: 'on', targeting: null, prerequisites: [] };
    expect(changeDiff(c, state)).toEqual([{ path: '/enabled', before: false, after: true }]);
  });

  it('compares only the fields a flag change sets', () => {
    const c = { kind: 'flag' as const, flag: 'checkout', baseVersion: 5, archived: true };
    expect(changeDiff(c, flag)).toEqual([{ path: '/archived', before: false, after: true }]);
  });

  it('shows every proposed field as new while the stored value is not read yet', () => {
    const c = { kind: 'segment' as const, segment: 'beta', baseVersion: 1, rule: { '==': [1, 1] } };
    expect(changeDiff(c, null)).toEqual([{ path: '/rule', before: null, after: { '==': [1, 1] } }]);
  });

  it('leaves out the fields a change does not set', () => {
    expect(proposedFields({ kind: 'flag', flag: 'x', baseVersion: 1, name: 'X', tags: null })).toEqual({ name: 'X' });
  });

  it('takes a stored state without prerequisites as having none', () => {
    const c = { kind: 'state' as const, environmentId: 'e', flag: 'checkout', baseVersion: 3, enabled: false, defaultVariant: 'on', targeting: null };
    expect(changeDiff(c, state)).toEqual([]);
  });

  it('shows prerequisites a state change adds', () => {
    const prerequisites = [{ flag: 'beta', variants: ['on'] }];
    const c = { kind: 'state' as const, environmentId: 'e', flag: 'checkout', baseVersion: 3, enabled: false, defaultVariant: 'on', targeting: null, prerequisites };
    expect(changeDiff(c, state)).toEqual([{ path: '/prerequisites', before: [], after: prerequisites }]);
  });

  it("shows a ramp's whole plan as proposed", () => {
    const steps = [{ percent: 5, holdMs: 1000 }];
    const c = { kind: 'ramp' as const, environmentId: 'e', flag: 'checkout', baseVersion: 3, variant: 'on', baseline: 'off', steps };
    expect(changeDiff(c, state).map((d) => [d.path, d.before])).toEqual([
      ['/variant', undefined],
      ['/baseline', undefined],
      ['/steps', undefined],
    ]);
  });

  it('names a ramp by its flag and environment', () => {
    expect(changeLabel({ kind: 'ramp', environmentId: 'e-prod', flag: 'checkout', baseVersion: 1, variant: 'on', baseline: 'off', steps: [] }, () => 'production')).toBe(
      'Ramp of checkout in production',
    );
  });

  it('names what each change is to', () => {
    expect(changeLabel({ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 0, enabled: true }, () => 'production')).toBe(
      'State of checkout in production',
    );
  });
});
