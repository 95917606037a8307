/** JSON Logic → the rule builder's model. What is not understood becomes raw JSON, never dropped. */
import type { Json } from '../../api/types';
import { isPlainObject } from '../json';
import {
  type AttrOperator,
  type Bucket,
  type Condition,
  type Result,
  type Rule,
  type Scalar,
  SEMVER_OPS,
  type SemVerOp,
  type Targeting,
} from './model';

const COMPARE = ['==', '!=', '===', '!==', '<', '<=', '>', '>='] as const;

function isScalar(v: unknown): v is Scalar {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/** The single `op: args` pair of a one-key object. */
function single(v: Json): [string, Json] | null {
  if (!isPlainObject(v)) return null;
  const keys = Object.keys(v);
  return keys.length === 1 ? [keys[0], v[keys[0]]] : null;
}

/** `{"var": "name"}` → "name" (a plain path, no default). */
function varName(v: Json): string | null {
  const s = single(v);
  return s && s[0] === 'var' && typeof s[1] === 'string' && s[1] !== '' ? s[1] : null;
}

export function parseCondition(json: Json): Condition {
  const raw: Condition = { kind: 'raw', json };
  const s = single(json);
  if (!s) return raw;
  const [op, args] = s;
  if (op === '!') {
    const inner = Array.isArray(args) ? (args.length === 1 ? args[0] : undefined) : args;
    if (inner === undefined) return raw;
    const c = parseCondition(inner);
    return c.kind === 'raw' ? raw : { ...c, negate: !c.negate };
  }
  if (op === '$ref') {
    return typeof args === 'string' ? { kind: 'segment', segment: args, negate: false } : raw;
  }
  if (!Array.isArray(args)) return raw;
  if ((COMPARE as readonly string[]).includes(op)) {
    const attr = args.length === 2 ? varName(args[0]) : null;
    if (attr === null || !isScalar(args[1])) return raw;
    return { kind: 'attr', attribute: attr, operator: op as AttrOperator, value: args[1], negate: false };
  }
  if (op === 'starts_with' || op === 'ends_with') {
    const attr = args.length === 2 ? varName(args[0]) : null;
    if (attr === null || typeof args[1] !== 'string') return raw;
    return { kind: 'attr', attribute: attr, operator: op, value: args[1], negate: false };
  }
  if (op === 'in' && args.length === 2) {
    const listAttr = varName(args[0]);
    if (listAttr !== null && Array.isArray(args[1]) && args[1].every(isScalar)) {
      return { kind: 'attr', attribute: listAttr, operator: 'in_list', value: args[1] as Scalar[], negate: false };
    }
    const subAttr = varName(args[1]);
    if (subAttr !== null && typeof args[0] === 'string') {
      return { kind: 'attr', attribute: subAttr, operator: 'contains', value: args[0], negate: false };
    }
    return raw;
  }
  if (op === 'sem_ver' && args.length === 3) {
    const attr = varName(args[0]);
    const sv = args[1];
    if (attr === null || typeof sv !== 'string' || !(SEMVER_OPS as readonly string[]).includes(sv)) return raw;
    if (typeof args[2] !== 'string') return raw;
    return { kind: 'attr', attribute: attr, operator: 'sem_ver', semver: sv as SemVerOp, value: args[2], negate: false };
  }
  return raw;
}

/** A rule's condition: `true` (always), one condition, or an `and` / `or` of several. */
export function parseRuleCondition(json: Json): Pick<Rule, 'match' | 'conditions'> {
  if (json === true) return { match: 'all', conditions: [] };
  const s = single(json);
  if (s && (s[0] === 'and' || s[0] === 'or') && Array.isArray(s[1]) && s[1].length > 0) {
    return { match: s[0] === 'and' ? 'all' : 'any', conditions: s[1].map(parseCondition) };
  }
  return { match: 'all', conditions: [parseCondition(json)] };
}

function isFlagKeyVar(v: Json): boolean {
  const s = single(v);
  return !!s && s[0] === 'var' && s[1] === '$flagd.flagKey';
}

export function parseResult(json: Json): Result {
  const raw: Result = { kind: 'raw', json };
  if (typeof json === 'string') return { kind: 'variant', variant: json };
  const s = single(json);
  if (!s || s[0] !== 'fractional' || !Array.isArray(s[1]) || s[1].length === 0) return raw;
  const items = s[1];
  let bucketBy: string | null = null;
  let rest = items;
  if (!Array.isArray(items[0])) {
    // The bucketing key: the builder writes {"cat": [{"var": "$flagd.flagKey"}, {"var": ATTR}]}.
    const cat = single(items[0]);
    if (!cat || cat[0] !== 'cat' || !Array.isArray(cat[1]) || cat[1].length !== 2) return raw;
    const attr = varName(cat[1][1]);
    if (!isFlagKeyVar(cat[1][0]) || attr === null) return raw;
    bucketBy = attr;
    rest = items.slice(1);
  }
  const buckets: Bucket[] = [];
  for (const b of rest) {
    if (!Array.isArray(b) || b.length !== 2 || typeof b[0] !== 'string') return raw;
    const w = b[1];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0) return raw;
    buckets.push({ variant: b[0], weight: w });
  }
  if (buckets.length === 0 || buckets.reduce((a, b) => a + b.weight, 0) !== 100) return raw;
  return { kind: 'split', bucketBy, buckets };
}

/** The `if` chain's arguments, with a nested `if` in the last place flattened into the chain. */
function chain(args: Json[]): { pairs: [Json, Json][]; otherwise: Json | undefined } | null {
  const pairs: [Json, Json][] = [];
  let list = args;
  for (;;) {
    if (list.length < 2) return null;
    let i = 0;
    for (; i + 1 < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
    if (i === list.length) return { pairs, otherwise: undefined };
    const last = list[i];
    const s = single(last);
    if (s && s[0] === 'if' && Array.isArray(s[1]) && s[1].length >= 2) {
      list = s[1];
      continue;
    }
    return { pairs, otherwise: last };
  }
}

export function parseTargeting(json: Json | null | undefined): Targeting {
  if (json === null || json === undefined) return { kind: 'rules', rules: [], otherwise: null };
  if (isPlainObject(json) && Object.keys(json).length === 0) return { kind: 'rules', rules: [], otherwise: null };
  const s = single(json);
  if (s && s[0] === 'if') {
    const c = Array.isArray(s[1]) ? chain(s[1]) : null;
    if (!c) return { kind: 'raw', json };
    const rules: Rule[] = c.pairs.map(([cond, res]) => ({ ...parseRuleCondition(cond), result: parseResult(res) }));
    return { kind: 'rules', rules, otherwise: c.otherwise === undefined ? null : parseResult(c.otherwise) };
  }
  const otherwise = parseResult(json);
  if (otherwise.kind === 'raw') return { kind: 'raw', json };
  return { kind: 'rules', rules: [], otherwise };
}
