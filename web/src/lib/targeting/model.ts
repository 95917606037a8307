/**
 * The rule builder's model of a flag's targeting, and the operators it offers.
 *
 * Targeting is flagd JSON Logic. Ordered rules are an `if` chain:
 * `{"if": [cond1, result1, cond2, result2, ..., otherwise]}`, where a result is a variant name or
 * a `fractional` split. Every part the builder cannot show (a condition, a result, or the whole
 * targeting) is kept as raw JSON, so nothing is lost on the way back.
 */
import type { Json } from '../../api/types';

/** Attribute operators, as the engine (core/src/engine/compile.rs) accepts them. */
export type AttrOperator =
  | '=='
  | '!='
  | '==='
  | '!=='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in_list'
  | 'contains'
  | 'starts_with'
  | 'ends_with'
  | 'sem_ver';

export const SEMVER_OPS = ['=', '!=', '<', '<=', '>', '>=', '^', '~'] as const;
export type SemVerOp = (typeof SEMVER_OPS)[number];

export const OPERATORS: { value: AttrOperator; label: string }[] = [
  { value: '==', label: 'equals (==)' },
  { value: '!=', label: 'does not equal (!=)' },
  { value: '===', label: 'strictly equals (===)' },
  { value: '!==', label: 'strictly differs (!==)' },
  { value: '<', label: 'less than (<)' },
  { value: '<=', label: 'at most (<=)' },
  { value: '>', label: 'greater than (>)' },
  { value: '>=', label: 'at least (>=)' },
  { value: 'in_list', label: 'is one of (in list)' },
  { value: 'contains', label: 'contains (in substring)' },
  { value: 'starts_with', label: 'starts with' },
  { value: 'ends_with', label: 'ends with' },
  { value: 'sem_ver', label: 'version (sem_ver)' },
];

export type Scalar = string | number | boolean | null;

export interface AttrCondition {
  kind: 'attr';
  attribute: string;
  operator: AttrOperator;
  /** A scalar; a list of scalars for `in_list`; a string for the string and version operators. */
  value: Scalar | Scalar[];
  /** The sem_ver comparison, with operator `sem_ver`. */
  semver?: SemVerOp;
  negate: boolean;
}

export interface SegmentCondition {
  kind: 'segment';
  segment: string;
  negate: boolean;
}

export interface RawCondition {
  kind: 'raw';
  json: Json;
}

export type Condition = AttrCondition | SegmentCondition | RawCondition;

export interface Bucket {
  variant: string;
  /** Percent, a whole number; a split's buckets sum to 100. */
  weight: number;
}

export type Result =
  | { kind: 'variant'; variant: string }
  | {
      kind: 'split';
      /** The attribute users are bucketed by (with the flag key); null: flagd's default (targetingKey). */
      bucketBy: string | null;
      buckets: Bucket[];
    }
  | { kind: 'raw'; json: Json };

export interface Rule {
  match: 'all' | 'any';
  conditions: Condition[];
  result: Result;
}

export type Targeting =
  | { kind: 'rules'; rules: Rule[]; otherwise: Result | null }
  | { kind: 'raw'; json: Json };

export const EMPTY_TARGETING: Targeting = { kind: 'rules', rules: [], otherwise: null };
