/** Checks a targeting model before it is sent, in the builder's own terms. */
import type { Condition, Result, Targeting } from './model';

export interface BuilderProblem {
  /** `rules/2/condition/0`, `rules/2/result`, `otherwise` or `` (the whole). */
  at: string;
  message: string;
}

const SEMVER_RE = /^[vV]?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function checkCondition(c: Condition, segments: string[], at: string, out: BuilderProblem[]): void {
  if (c.kind === 'raw') return;
  if (c.kind === 'segment') {
    if (!c.segment) out.push({ at, message: 'choose a segment' });
    else if (!segments.includes(c.segment)) out.push({ at, message: `segment ${c.segment} does not exist` });
    return;
  }
  if (!c.attribute.trim()) out.push({ at, message: 'name the context attribute' });
  if (c.operator === 'in_list') {
    if (!Array.isArray(c.value) || c.value.length === 0) out.push({ at, message: 'list at least one value' });
  } else if (c.operator === 'sem_ver') {
    if (typeof c.value !== 'string' || !SEMVER_RE.test(c.value)) {
      out.push({ at, message: 'give a version such as 1.2.3' });
    }
  } else if (['contains', 'starts_with', 'ends_with'].includes(c.operator)) {
    if (typeof c.value !== 'string' || c.value === '') out.push({ at, message: 'give the text to look for' });
  } else if (['<', '<=', '>', '>='].includes(c.operator) && typeof c.value !== 'number') {
    if (typeof c.value !== 'string' || c.value === '') out.push({ at, message: 'give a value to compare with' });
  }
}

function checkResult(r: Result, variants: string[], at: string, out: BuilderProblem[]): void {
  if (r.kind === 'variant') {
    if (!variants.includes(r.variant)) out.push({ at, message: `choose one of the flag's variants` });
  } else if (r.kind === 'split') {
    const sum = r.buckets.reduce((a, b) => a + b.weight, 0);
    if (sum !== 100) out.push({ at, message: `the split adds up to ${sum}%, not 100%` });
    r.buckets.forEach((b) => {
      if (!variants.includes(b.variant)) out.push({ at, message: `the split serves ${b.variant || 'nothing'}, which is not a variant` });
    });
    if (new Set(r.buckets.map((b) => b.variant)).size !== r.buckets.length) {
      out.push({ at, message: 'the split lists a variant twice' });
    }
    if (r.bucketBy !== null && !r.bucketBy.trim()) out.push({ at, message: 'name the attribute to bucket by' });
  }
}

export function validateTargeting(t: Targeting, variants: string[], segments: string[]): BuilderProblem[] {
  const out: BuilderProblem[] = [];
  if (t.kind === 'raw') return out;
  t.rules.forEach((r, i) => {
    r.conditions.forEach((c, j) => checkCondition(c, segments, `rules/${i}/condition/${j}`, out));
    checkResult(r.result, variants, `rules/${i}/result`, out);
  });
  if (t.otherwise) checkResult(t.otherwise, variants, 'otherwise', out);
  return out;
}
