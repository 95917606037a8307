/**
 * Targeting in words, one line per rule, for places that show rules without editing them (a
 * change request's before and after). Read through the rule builder's model (`parse`); what the
 * builder cannot show is given as its JSON.
 */
import type { Json } from '../../api/types';
import type { AttrCondition, Condition, Result, Rule, Scalar } from './model';
import { parseRuleCondition, parseTargeting } from './parse';

const WORDS: Record<AttrCondition['operator'], string> = {
  '==': 'is',
  '!=': 'is not',
  '===': 'is exactly',
  '!==': 'is not exactly',
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  in_list: 'is one of',
  contains: 'contains',
  starts_with: 'starts with',
  ends_with: 'ends with',
  sem_ver: 'version',
};

const scalar = (v: Scalar) => (typeof v === 'string' ? `"${v}"` : String(v));

export function describeCondition(c: Condition): string {
  if (c.kind === 'raw') return JSON.stringify(c.json);
  const text =
    c.kind === 'segment'
      ? `in segment ${c.segment}`
      : c.operator === 'sem_ver'
        ? `${c.attribute} version ${c.semver ?? '='} ${scalar(c.value as Scalar)}`
        : `${c.attribute} ${WORDS[c.operator]} ${Array.isArray(c.value) ? `[${c.value.map(scalar).join(', ')}]` : scalar(c.value)}`;
  return c.negate ? `not (${text})` : text;
}

export function describeResult(r: Result | null): string {
  if (!r) return 'the default variant';
  if (r.kind === 'variant') return r.variant;
  if (r.kind === 'raw') return JSON.stringify(r.json);
  const split = r.buckets.map((b) => `${b.weight}% ${b.variant}`).join(', ');
  return r.bucketBy && r.bucketBy !== 'targetingKey' ? `${split} (by ${r.bucketBy})` : split;
}

/** "a and b", "a or b", or "always" for no condition. */
function describeConditions({ match, conditions }: Pick<Rule, 'match' | 'conditions'>): string {
  return conditions.map(describeCondition).join(match === 'all' ? ' and ' : ' or ') || 'always';
}

/** A segment's rule (a condition, or an `and` / `or` of several) in words. */
export const describeRule = (json: Json | null | undefined): string => (json === null || json === undefined ? 'no rule' : describeConditions(parseRuleCondition(json)));

/** One line per rule, then what everyone else gets. */
export function describeTargeting(json: Json | null | undefined): string[] {
  if (json === null || json === undefined) return ['No rules: everyone gets the default variant'];
  const t = parseTargeting(json);
  if (t.kind === 'raw') return [`JSON Logic: ${JSON.stringify(t.json)}`];
  const lines = t.rules.map((r, i) => {
    return `Rule ${i + 1}: if ${describeConditions(r)} → ${describeResult(r.result)}`;
  });
  lines.push(`${t.rules.length ? 'Everyone else' : 'Everyone'} → ${describeResult(t.otherwise)}`);
  return lines;
}
