import { describe, expect, it } from 'vitest';
import type { Json } from '../../api/types';
import { describeRule, describeTargeting } from './describe';

describe('targeting in words', () => {
  it('says no targeting means the default variant for everyone', () => {
    expect(describeTargeting(null)).toEqual(['No rules: everyone gets the default variant']);
  });

  it('reads a rule and a split as the builder shows them', () => {
    const t: Json = {
      if: [
        { starts_with: [{ var: 'targetingKey' }, 'vip-'] },
        'on',
        { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 30], ['off', 70]] },
      ],
    };
    expect(describeTargeting(t)).toEqual(['Rule 1: if targetingKey starts with "vip-" → on', 'Everyone else → 30% on, 70% off']);
  });

  it('reads segments and negations', () => {
    const t: Json = { if: [{ and: [{ $ref: 'beta' }, { '!': { in: [{ var: 'country' }, ['FR', 'DE']] } }] }, 'on', null] };
    expect(describeTargeting(t)[0]).toBe('Rule 1: if in segment beta and not (country is one of ["FR", "DE"]) → on');
  });

  it('gives JSON Logic the builder cannot show as JSON', () => {
    expect(describeTargeting({ var: 'x' })).toEqual(['JSON Logic: {"var":"x"}']);
  });

  it("reads a segment's rule of several conditions", () => {
    expect(describeRule({ or: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, { in: [{ var: 'email' }, ['a@x.com']] }] })).toBe(
      'email ends with "@acme.com" or email is one of ["a@x.com"]',
    );
  });
});
