import { describe, expect, it } from 'vitest';
import { request } from '../../test/request-fixtures';
import { approvalCount, approvalsText, policyText, requestEnvironmentIds } from './status';

describe('a change request at a glance', () => {
  it('counts only approvals from the policy role or stronger', () => {
    const r = request({
      policy: { approvals: 2, minRole: 'admin' },
      approvals: [
        { by: 'user:a', role: 'editor', at: 1 },
        { by: 'user:b', role: 'owner', at: 2 },
      ],
    });
    expect(approvalCount(r)).toEqual({ have: 1, need: 2 });
    expect(approvalsText(r)).toBe('1/2');
  });

  it('says approvals are not needed where no environment asks for them', () => {
    expect(approvalsText(request({ policy: null }))).toBe('not needed');
  });

  it('lists the environments whose state it sets before the other protected ones, once each', () => {
    const r = request({
      changes: [
        { kind: 'state', environmentId: 'e-dev', flag: 'x', baseVersion: 0, enabled: true },
        { kind: 'flag', flag: 'x', baseVersion: 1, archived: true },
      ],
      protectedEnvironments: ['e-prod', 'e-dev'],
    });
    expect(requestEnvironmentIds(r)).toEqual(['e-dev', 'e-prod']);
  });

  it('counts the environment a ramp runs in', () => {
    const r = request({
      changes: [{ kind: 'ramp', environmentId: 'e-prod', flag: 'x', baseVersion: 2, variant: 'on', baseline: 'off', steps: [{ percent: 5, holdMs: 1000 }] }],
      protectedEnvironments: [],
    });
    expect(requestEnvironmentIds(r)).toEqual(['e-prod']);
  });

  it('describes a policy in words', () => {
    expect(policyText({ approvals: 2, minRole: 'admin' })).toBe('Requires 2 approvals from admins or owners');
  });
});
