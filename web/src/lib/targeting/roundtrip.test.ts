import { describe, expect, it } from 'vitest';
import type { Json } from '../../api/types';
import { locate } from './locate';
import { parseCondition, parseTargeting } from './parse';
import { targetingToJson } from './serialize';
import { validateTargeting } from './validate';

const split = (...b: [string, number][]): Json => ({
  fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ...b],
});

// Every operator the engine has, in the form the builder writes it.
const CANONICAL: Json[] = [
  { '==': [{ var: 'plan' }, 'pro'] },
  { '!=': [{ var: 'plan' }, 'free'] },
  { '===': [{ var: 'age' }, 42] },
  { '!==': [{ var: 'beta' }, true] },
  { '<': [{ var: 'age' }, 18] },
  { '<=': [{ var: 'age' }, 18.5] },
  { '>': [{ var: 'score' }, -3] },
  { '>=': [{ var: 'score' }, 0] },
  { in: [{ var: 'country' }, ['fr', 'de', 'it']] },
  { in: [{ var: 'tier' }, [1, 2]] },
  { in: ['@example', { var: 'email' }] },
  { starts_with: [{ var: 'email' }, 'admin'] },
  { ends_with: [{ var: 'email' }, '@example.com'] },
  ...(['=', '!=', '<', '<=', '>', '>=', '^', '~'] as const).map((op) => ({ sem_ver: [{ var: 'appVersion' }, op, '1.2.3'] }) as Json),
  { $ref: 'beta-users' },
  { '!': { ends_with: [{ var: 'email' }, '@example.com'] } },
  { '!': { $ref: 'internal' } },
  { '==': [{ var: 'user.plan' }, null] },
];

describe('rule builder ⇄ JSON Logic', () => {
  it.each(CANONICAL.map((c) => [JSON.stringify(c), c]))('understands and rewrites %s exactly', (_name, cond) => {
    const parsed = parseCondition(cond as Json);
    expect(parsed.kind).not.toBe('raw');
    const t: Json = { if: [cond as Json, 'on', 'off'] };
    expect(targetingToJson(parseTargeting(t))).toEqual(t);
  });

  it('round-trips a chain of rules with and/or, variants, splits and an otherwise', () => {
    const t: Json = {
      if: [
        { and: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, { $ref: 'beta' }] },
        'on',
        { or: [{ in: [{ var: 'country' }, ['fr']] }, { sem_ver: [{ var: 'v' }, '^', '2.0.0'] }] },
        split(['on', 25], ['off', 75]),
        true,
        split(['a', 34], ['b', 33], ['c', 33]),
        'off',
      ],
    };
    const m = parseTargeting(t);
    expect(m.kind).toBe('rules');
    if (m.kind !== 'rules') return;
    expect(m.rules).toHaveLength(3);
    expect(m.rules[0].match).toBe('all');
    expect(m.rules[1].match).toBe('any');
    expect(m.rules[1].result).toEqual({ kind: 'split', bucketBy: 'targetingKey', buckets: [{ variant: 'on', weight: 25 }, { variant: 'off', weight: 75 }] });
    expect(m.rules[2].conditions).toEqual([]);
    expect(targetingToJson(m)).toEqual(t);
  });

  it('keeps the flagd default bucketing (no key) as it is', () => {
    const t: Json = { fractional: [['a', 50], ['b', 50]] };
    const m = parseTargeting(t);
    expect(m).toEqual({ kind: 'rules', rules: [], otherwise: { kind: 'split', bucketBy: null, buckets: [{ variant: 'a', weight: 50 }, { variant: 'b', weight: 50 }] } });
    expect(targetingToJson(m)).toEqual(t);
  });

  it('keeps what it cannot show as raw JSON, in place, and loses nothing', () => {
    const t: Json = {
      if: [
        { '<': [1, { var: 'n' }, 10] },
        { cat: ['v', { var: 'n' }] },
        { and: [{ '==': [{ var: 'a' }, 1] }, { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'x'] }] }] },
        { fractional: [['a', 1], ['b', 1]] },
        'off',
      ],
    };
    const m = parseTargeting(t);
    if (m.kind !== 'rules') throw new Error('expected rules');
    expect(m.rules[0].conditions[0].kind).toBe('raw');
    expect(m.rules[0].result.kind).toBe('raw');
    expect(m.rules[1].conditions.map((c) => c.kind)).toEqual(['attr', 'raw']);
    expect(m.rules[1].result.kind).toBe('raw');
    expect(targetingToJson(m)).toEqual(t);
  });

  it('keeps whole targeting it cannot read as raw', () => {
    for (const t of [{ var: 'variantName' }, { if: [{ var: 'x' }] }, { '?:': [true, 'a', 'b'] }] as Json[]) {
      const m = parseTargeting(t);
      expect(m.kind).toBe('raw');
      expect(targetingToJson(m)).toEqual(t);
    }
  });

  it('reads a nested if in the last place as more rules, with the same meaning', () => {
    const m = parseTargeting({ if: [{ '==': [{ var: 'a' }, 1] }, 'x', { if: [{ '==': [{ var: 'b' }, 2] }, 'y', 'z'] }] });
    expect(targetingToJson(m)).toEqual({ if: [{ '==': [{ var: 'a' }, 1] }, 'x', { '==': [{ var: 'b' }, 2] }, 'y', 'z'] });
  });

  it('reads no targeting and empty objects as no rules, and writes null', () => {
    expect(targetingToJson(parseTargeting(null))).toBeNull();
    expect(targetingToJson(parseTargeting({}))).toBeNull();
    expect(targetingToJson(parseTargeting('on'))).toBe('on');
  });

  it('accepts the list form of !', () => {
    const c = parseCondition({ '!': [{ $ref: 's' }] });
    expect(c).toEqual({ kind: 'segment', segment: 's', negate: true });
  });

  it('checks the model before sending', () => {
    const m = parseTargeting({
      if: [{ in: [{ var: 'c' }, []] }, 'nope', { $ref: 'ghost' }, { fractional: [['on', 60], ['off', 40]] }],
    });
    const problems = validateTargeting(m, ['on', 'off'], ['beta']);
    expect(problems.map((p) => p.at)).toEqual(['rules/0/condition/0', 'rules/0/result', 'rules/1/condition/0']);
  });
});

describe('locating the engine’s problems', () => {
  const t: Json = { if: [{ '==': [1, 1] }, 'a', { bad: 1 }, 'b', { if: [{ x: 1 }, 'c', 'd'] }] };
  it('points at conditions, results and the otherwise branch', () => {
    expect(locate(t, '/targeting/if/0/==')).toEqual({ part: 'condition', rule: 0 });
    expect(locate(t, '/targeting/if/3')).toEqual({ part: 'result', rule: 1 });
    expect(locate(t, '/targeting/if/2/bad')).toEqual({ part: 'condition', rule: 1 });
    expect(locate(t, '/targeting/if/4/if/0/x')).toEqual({ part: 'condition', rule: 2 });
    expect(locate(t, '/targeting/if/4/if/2')).toEqual({ part: 'otherwise' });
    expect(locate(t, '/targeting')).toEqual({ part: 'whole' });
    expect(locate(t, '/defaultVariant')).toEqual({ part: 'other', field: 'defaultVariant' });
    expect(locate({ fractional: [['a', 1]] }, '/targeting/fractional/0')).toEqual({ part: 'otherwise' });
  });
});
