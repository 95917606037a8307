import { describe, expect, it } from 'vitest';
import { prerequisiteLines, prerequisiteVerdict } from './explain';

const required = [
  { flag: 'beta', variants: ['on'] },
  { flag: 'region', variants: ['eu'] },
];

describe("the playground's prerequisites", () => {
  it('names the prerequisite that failed as the one that decided', () => {
    const r = { prerequisites: [{ flag: 'beta', variant: 'off', held: false }], failedPrerequisite: 'beta' };
    expect(prerequisiteVerdict(r, required)).toBe('Prerequisite beta served off, not on: it decided, so the flag served its default variant and its own rules were not used.');
  });

  it('says a disabled prerequisite served no variant', () => {
    const r = { prerequisites: [{ flag: 'beta', variant: null, held: false }], failedPrerequisite: 'beta' };
    expect(prerequisiteVerdict(r, required)).toContain('Prerequisite beta is off or served no variant, not on');
  });

  it('says the own rules decided when every prerequisite held', () => {
    const r = {
      prerequisites: [
        { flag: 'beta', variant: 'on', held: true },
        { flag: 'region', variant: 'eu', held: true },
      ],
      failedPrerequisite: null,
    };
    expect(prerequisiteVerdict(r, required)).toBe("Every prerequisite held (beta is on, region is eu), so the flag's own rules decided.");
  });

  it('says nothing for a flag without prerequisites', () => {
    expect(prerequisiteVerdict({ prerequisites: [], failedPrerequisite: null })).toBeNull();
  });

  it('marks only the failed one as deciding, with what each needs', () => {
    const r = {
      prerequisites: [
        { flag: 'beta', variant: 'on', held: true },
        { flag: 'region', variant: 'us', held: false },
      ],
      failedPrerequisite: 'region',
    };
    expect(prerequisiteLines(r, required).map((l) => [l.flag, l.decided, l.needs])).toEqual([
      ['beta', false, ['on']],
      ['region', true, ['eu']],
    ]);
  });
});
