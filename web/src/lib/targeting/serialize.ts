/** The rule builder's model → flagd JSON Logic. */
import type { Json } from '../../api/types';
import type { Condition, Result, Rule, Targeting } from './model';

const v = (name: string): Json => ({ var: name });

export function conditionToJson(c: Condition): Json {
  if (c.kind === 'raw') return c.json;
  let out: Json;
  if (c.kind === 'segment') {
    out = { $ref: c.segment };
  } else {
    switch (c.operator) {
      case 'in_list':
        out = { in: [v(c.attribute), Array.isArray(c.value) ? c.value : [c.value]] };
        break;
      case 'contains':
        out = { in: [c.value as Json, v(c.attribute)] };
        break;
      case 'sem_ver':
        out = { sem_ver: [v(c.attribute), c.semver ?? '>=', c.value as Json] };
        break;
      default:
        out = { [c.operator]: [v(c.attribute), c.value as Json] };
    }
  }
  return c.negate ? { '!': out } : out;
}

export function ruleConditionToJson(r: Pick<Rule, 'match' | 'conditions'>): Json {
  if (r.conditions.length === 0) return true;
  if (r.conditions.length === 1) return conditionToJson(r.conditions[0]);
  return { [r.match === 'all' ? 'and' : 'or']: r.conditions.map(conditionToJson) };
}

/** The bucketing key the builder writes: the flag key and the attribute, concatenated. */
export function bucketingKey(attribute: string): Json {
  return { cat: [v('$flagd.flagKey'), v(attribute)] };
}

export function resultToJson(r: Result): Json {
  switch (r.kind) {
    case 'variant':
      return r.variant;
    case 'raw':
      return r.json;
    case 'split': {
      const buckets: Json[] = r.buckets.map((b) => [b.variant, b.weight]);
      return { fractional: r.bucketBy === null ? buckets : [bucketingKey(r.bucketBy), ...buckets] };
    }
  }
}

/** `null` means no targeting: the default variant for everyone. */
export function targetingToJson(t: Targeting): Json | null {
  if (t.kind === 'raw') return t.json;
  if (t.rules.length === 0) return t.otherwise ? resultToJson(t.otherwise) : null;
  const args: Json[] = t.rules.flatMap((r) => [ruleConditionToJson(r), resultToJson(r.result)]);
  if (t.otherwise) args.push(resultToJson(t.otherwise));
  return { if: args };
}
