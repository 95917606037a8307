import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { apiPrerequisiteProblems, validatePrerequisites } from './validate';

const variants = (...names: string[]) => names.map((name) => ({ name, value: name }));
const FLAGS = [
  { key: 'checkout', archived: false, variants: variants('new', 'old') },
  { key: 'beta', archived: false, variants: variants('on', 'off') },
  { key: 'legacy', archived: true, variants: variants('on', 'off') },
];
const check = (list: { flag: string; variants: string[] }[]) => validatePrerequisites(list, FLAGS, 'checkout');

describe('prerequisites checked before sending', () => {
  it('accepts another live flag with one of its variants', () => {
    expect(check([{ flag: 'beta', variants: ['on'] }])).toEqual({});
  });

  it('needs a flag to be chosen', () => {
    expect(check([{ flag: '', variants: [] }])).toEqual({ 'prerequisites/0/flag': 'Choose a flag' });
  });

  it('refuses the flag itself', () => {
    expect(check([{ flag: 'checkout', variants: ['new'] }])['prerequisites/0/flag']).toBe('A flag cannot be its own prerequisite');
  });

  it('refuses the same flag twice, at the second', () => {
    expect(check([{ flag: 'beta', variants: ['on'] }, { flag: 'beta', variants: ['off'] }])).toEqual({ 'prerequisites/1/flag': 'beta is already a prerequisite above' });
  });

  it('refuses an archived flag', () => {
    expect(check([{ flag: 'legacy', variants: ['on'] }])['prerequisites/0/flag']).toBe('legacy is archived');
  });

  it('needs at least one variant', () => {
    expect(check([{ flag: 'beta', variants: [] }])).toEqual({ 'prerequisites/0/variants': 'Choose at least one variant' });
  });

  it('refuses a variant the flag does not have', () => {
    expect(check([{ flag: 'beta', variants: ['maybe'] }])).toEqual({ 'prerequisites/0/variants': 'maybe is not a variant of beta' });
  });

  it('takes at most ten', () => {
    const list = Array.from({ length: 11 }, () => ({ flag: 'beta', variants: ['on'] }));
    expect(check(list).prerequisites).toBe('At most 10 prerequisites');
  });
});

describe("the API's prerequisite problems", () => {
  const refused = (...problems: { path: string; message: string }[]) => new ApiError(422, 'validation', 'invalid state', problems);

  it("puts a flag's problem at its row", () => {
    expect(apiPrerequisiteProblems(refused({ path: '/prerequisites/0/flag', message: 'no flag nope' }))).toEqual({ 'prerequisites/0/flag': 'no flag nope' });
  });

  it("puts a variant's problem at its row's variants", () => {
    expect(apiPrerequisiteProblems(refused({ path: '/prerequisites/1/variants/2', message: 'not a variant' }))).toEqual({ 'prerequisites/1/variants': 'not a variant' });
  });

  it('puts a cycle on the whole list, with its message', () => {
    expect(apiPrerequisiteProblems(refused({ path: '/prerequisites', message: 'a cycle: c → a → b → c' }))).toEqual({ prerequisites: 'a cycle: c → a → b → c' });
  });

  it('leaves other fields alone', () => {
    expect(apiPrerequisiteProblems(refused({ path: '/targeting/if/0', message: 'x' }))).toEqual({});
  });
});
