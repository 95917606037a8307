import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { approvalRequiredIn, flagChange, proposalTitle, rampChange, stateChange, stateTitle } from './proposal';

describe('proposals', () => {
  it('a state change carries the version the user edited and the whole state', () => {
    expect(stateChange('e-prod', 'checkout', 4, { enabled: true, defaultVariant: 'on', targeting: null })).toEqual({
      kind: 'state',
      environmentId: 'e-prod',
      flag: 'checkout',
      baseVersion: 4,
      enabled: true,
      defaultVariant: 'on',
      targeting: null,
      prerequisites: [],
    });
  });

  it("a state change carries the edit's prerequisites", () => {
    const prerequisites = [{ flag: 'beta', variants: ['on'] }];
    expect(stateChange('e-prod', 'checkout', 4, { enabled: true, defaultVariant: 'on', targeting: null, prerequisites }).prerequisites).toEqual(prerequisites);
  });

  it("a ramp change is the plan against the state's version", () => {
    const steps = [{ percent: 1, holdMs: 3_600_000 }];
    expect(rampChange('e-prod', 'checkout', 3, { variant: 'on', baseline: 'off', steps })).toEqual({
      kind: 'ramp',
      environmentId: 'e-prod',
      flag: 'checkout',
      baseVersion: 3,
      variant: 'on',
      baseline: 'off',
      steps,
    });
  });

  it('titles a ramp by its variant, environment and percentages', () => {
    const c = rampChange('e-prod', 'checkout', 3, { variant: 'on', baseline: 'off', steps: [{ percent: 5, holdMs: 1000 }, { percent: 100, holdMs: 1000 }] });
    expect(proposalTitle([c], () => 'production')).toBe('Ramp checkout to on in production (5 → 100 %)');
  });

  it('a flag change holds only the fields given, against the flag version', () => {
    expect(flagChange({ key: 'checkout', version: 7 }, { archived: true })).toEqual({ kind: 'flag', flag: 'checkout', baseVersion: 7, archived: true });
  });

  it('titles a switch by what it does', () => {
    expect(stateTitle('checkout', 'production', false, { enabled: true })).toBe('Turn on checkout in production');
    expect(stateTitle('checkout', 'production', true, { enabled: false })).toBe('Turn off checkout in production');
  });

  it('titles an edit that keeps the switch as a change', () => {
    expect(stateTitle('checkout', 'production', true, { enabled: true })).toBe('Change checkout in production');
  });

  it('titles an archive proposal', () => {
    expect(proposalTitle([flagChange({ key: 'checkout', version: 1 }, { archived: true })], () => '')).toBe('Archive checkout');
  });

  it('reads the environments out of a 403 approval_required', () => {
    const e = new ApiError(403, 'approval_required', 'environment production requires approval', { environments: ['production'] });
    expect(approvalRequiredIn(e)).toEqual(['production']);
  });

  it('does not take any other 403 for approval_required', () => {
    expect(approvalRequiredIn(new ApiError(403, 'forbidden', 'needs the editor role'))).toBeNull();
  });
});
