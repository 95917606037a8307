/**
 * Targeting rules and segment conditions before → after, rule by rule, in the words the rule
 * builder's model gives them (`lib/targeting`: parse, describe): "if country is one of ["DE",
 * "FR"] → serve on" added, removed or serving something else.
 */
import type { Json } from '../../api/types';
import { deepEqual } from '../json';
import type { Condition, Result, Rule } from '../targeting/model';
import { describeCondition, describeResult, describeTargeting } from '../targeting/describe';
import { parseRuleCondition, parseTargeting } from '../targeting/parse';

/** One line of a structured diff: what changed, and how. */
export interface DiffLine {
  /** "Enabled", "Rule 2", "Variant on", "Tags". */
  what: string;
  change: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

const joined = (conditions: Condition[], match: Rule['match']) => conditions.map(describeCondition).join(match === 'all' ? ' and ' : ' or ') || 'always';
const serve = (r: Result | null) => `serve ${describeResult(r)}`;
/** "if country is one of ["DE", "FR"] → serve on". */
export const ruleText = (r: Rule) => `if ${joined(r.conditions, r.match)} → ${serve(r.result)}`;

/** The pairs of equal items that keep their order (a longest common subsequence). */
function kept<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): [number, number][] {
  const n = a.length;
  const m = b.length;
  const len = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) len[i][j] = eq(a[i], b[j]) ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  const out: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (eq(a[i], b[j])) out.push([i++, j++]);
    else if (len[i + 1][j] >= len[i][j + 1]) i++;
    else j++;
  }
  return out;
}

/** The rules' changes: kept ones are left out; a rule whose conditions stayed but serves something else is "changed". */
function ruleLines(before: Rule[], after: Rule[]): DiffLine[] {
  const bt = before.map(ruleText);
  const at = after.map(ruleText);
  const same = kept(bt, at, (x, y) => x === y);
  const removed = before.map((_, i) => i).filter((i) => !same.some(([x]) => x === i));
  const added = new Set(after.map((_, j) => j).filter((j) => !same.some(([, y]) => y === j)));
  const lines: { at: number; line: DiffLine }[] = [];
  for (const i of removed) {
    const cond = joined(before[i].conditions, before[i].match);
    const j = [...added].find((x) => joined(after[x].conditions, after[x].match) === cond);
    if (j !== undefined) {
      added.delete(j);
      lines.push({ at: j, line: { what: `Rule ${j + 1} (if ${cond})`, change: 'changed', before: serve(before[i].result), after: serve(after[j].result) } });
    } else {
      lines.push({ at: i, line: { what: `Rule ${i + 1}`, change: 'removed', before: bt[i] } });
    }
  }
  for (const j of added) lines.push({ at: j, line: { what: `Rule ${j + 1}`, change: 'added', after: at[j] } });
  return lines.sort((x, y) => x.at - y.at).map((x) => x.line);
}

/** A flag state's targeting before → after, rule by rule (or whole, where the builder cannot read it). */
export function targetingLines(before: unknown, after: unknown): DiffLine[] {
  const [b, a] = [(before ?? null) as Json | null, (after ?? null) as Json | null];
  if (deepEqual(b, a)) return [];
  const whole: DiffLine = { what: 'Targeting', change: 'changed', before: describeTargeting(b).join('; '), after: describeTargeting(a).join('; ') };
  const tb = parseTargeting(b);
  const ta = parseTargeting(a);
  if (tb.kind === 'raw' || ta.kind === 'raw') return [whole];
  const out = ruleLines(tb.rules, ta.rules);
  if (!deepEqual(tb.otherwise, ta.otherwise) && describeResult(tb.otherwise) !== describeResult(ta.otherwise)) {
    out.push({ what: ta.rules.length ? 'Everyone else' : 'Everyone', change: 'changed', before: serve(tb.otherwise), after: serve(ta.otherwise) });
  }
  // Written differently but saying the same: still say that it changed.
  return out.length ? out : [{ what: 'Targeting', change: 'changed', before: 'the same rules', after: 'written differently in JSON Logic' }];
}

/** A segment's rule before → after: "all conditions" ↔ "any condition", conditions added and removed. */
export function conditionLines(before: unknown, after: unknown): DiffLine[] {
  const [b, a] = [(before ?? null) as Json | null, (after ?? null) as Json | null];
  if (deepEqual(b, a)) return [];
  const rb = b === null ? { match: 'all' as const, conditions: [] } : parseRuleCondition(b);
  const ra = a === null ? { match: 'all' as const, conditions: [] } : parseRuleCondition(a);
  const out: DiffLine[] = [];
  const word = (m: Rule['match']) => (m === 'all' ? 'all conditions' : 'any condition');
  if (rb.match !== ra.match && rb.conditions.length > 1 && ra.conditions.length > 1) out.push({ what: 'Matches', change: 'changed', before: word(rb.match), after: word(ra.match) });
  const bt = rb.conditions.map(describeCondition);
  const at = ra.conditions.map(describeCondition);
  for (const c of bt) if (!at.includes(c)) out.push({ what: 'Condition', change: 'removed', before: c });
  for (const c of at) if (!bt.includes(c)) out.push({ what: 'Condition', change: 'added', after: c });
  return out.length ? out : [{ what: 'Conditions', change: 'changed', before: 'the same conditions', after: 'written differently in JSON Logic' }];
}
