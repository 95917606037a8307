import { describe, expect, it } from 'vitest';
import { describePrerequisites, piecesText } from './describe';

const words = (...args: Parameters<typeof describePrerequisites>) => piecesText(describePrerequisites(...args));

describe('prerequisites in words', () => {
  it('says what one prerequisite gates, and what is served otherwise', () => {
    expect(words([{ flag: 'beta', variants: ['on'] }], 'off')).toBe('Serves its rules only when beta is on; otherwise its default variant off.');
  });

  it('joins the variants of one prerequisite with "or"', () => {
    expect(words([{ flag: 'plan', variants: ['pro', 'team', 'enterprise'] }], 'off')).toContain('plan is pro, team or enterprise');
  });

  it('joins several prerequisites with "and"', () => {
    expect(words([{ flag: 'beta', variants: ['on'] }, { flag: 'region', variants: ['eu'] }], 'off')).toContain('beta is on and region is eu;');
  });

  it("says the caller's code default is served when there is no default variant", () => {
    expect(words([{ flag: 'beta', variants: ['on'] }], null)).toContain("otherwise the caller's code default");
  });

  it('says nothing when there are none', () => {
    expect(describePrerequisites([], 'off')).toEqual([]);
  });

  it('marks flag and variant names apart from the words', () => {
    expect(describePrerequisites([{ flag: 'beta', variants: ['on'] }], 'off').filter((p) => typeof p !== 'string')).toEqual([{ name: 'beta' }, { name: 'on' }, { name: 'off' }]);
  });
});
