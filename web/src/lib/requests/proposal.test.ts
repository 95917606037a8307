import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { approvalRequiredIn, flagChange, proposalTitle, stateChange, stateTitle } from './proposal';

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
    });
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
