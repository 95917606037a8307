import { describe, expect, it } from 'vitest';
import type { Evaluations } from '../../api/types';
import { approx, countRules, evaluationTotal, toggleSummary } from './blastRadius';

const window = (...counts: number[]): Evaluations => ({ from: 0, to: 1, events: [], rows: counts.map((count) => ({ flag: 'f', variant: 'on', hour: 0, count })) });

describe('the blast radius in words', () => {
  it('says what a production toggle reaches', () => {
    expect(toggleSummary({ flag: 'checkout-v2', env: 'production', on: false, rules: 3, evaluations: 12_403 })).toBe(
      'Turn off checkout-v2 in production: 3 rules, evaluated ~12,400 times in the last hour',
    );
  });

  it('leaves out the evaluations where the server keeps no analytics', () => {
    expect(toggleSummary({ flag: 'f', env: 'prod', on: true, rules: 1, evaluations: null })).toBe('Turn on f in prod: 1 rule');
  });

  it('counts the rules of the targeting, and calls JSON Logic it cannot read custom', () => {
    expect(countRules(null)).toBe(0);
    expect(countRules({ if: [{ '==': [{ var: 'a' }, 1] }, 'on', { '==': [{ var: 'b' }, 2] }, 'on', 'off'] })).toBe(2);
    expect(countRules({ some_op: [1] })).toBe('custom');
  });

  it('rounds large counts to three significant digits and keeps small ones exact', () => {
    expect([approx(7), approx(999), approx(1234), approx(12_403), approx(1_234_567)]).toEqual(['7', '999', '~1,230', '~12,400', '~1,230,000']);
  });

  it('adds the windows it knows and is null when it knows none', () => {
    expect(evaluationTotal([window(2, 3), null, window(5)])).toBe(10);
    expect(evaluationTotal([null, undefined])).toBeNull();
  });
});
