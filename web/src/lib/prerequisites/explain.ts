/**
 * What the playground's explanation says of prerequisites: each one checked (in order, up to the
 * first that failed), what its flag gave, whether that held, and which one decided.
 */
import type { Explanation, Prerequisite } from '../../api/types';

export interface PrerequisiteLine {
  flag: string;
  /** The prerequisite flag's variant for the context (null: disabled, or no variant). */
  variant: string | null;
  held: boolean;
  /** The variants the state asks of it, when known. */
  needs: string[] | null;
  /** The one that failed and so decided what the flag served. */
  decided: boolean;
}

export function prerequisiteLines(r: Pick<Explanation, 'prerequisites' | 'failedPrerequisite'>, required: Prerequisite[] = []): PrerequisiteLine[] {
  return (r.prerequisites ?? []).map((t) => ({
    flag: t.flag,
    variant: t.variant ?? null,
    held: t.held,
    needs: required.find((p) => p.flag === t.flag)?.variants ?? null,
    decided: !t.held && r.failedPrerequisite === t.flag,
  }));
}

/** One sentence on what the prerequisites decided; null for a flag without any. */
export function prerequisiteVerdict(r: Pick<Explanation, 'prerequisites' | 'failedPrerequisite'>, required: Prerequisite[] = []): string | null {
  const lines = prerequisiteLines(r, required);
  const failed = r.failedPrerequisite ? lines.find((l) => l.flag === r.failedPrerequisite) : undefined;
  if (r.failedPrerequisite) {
    const gave = !failed ? '' : failed.variant === null ? ' is off or served no variant' : ` served ${failed.variant}`;
    const needs = failed?.needs ? `, not ${failed.needs.join(' or ')}` : '';
    return `Prerequisite ${r.failedPrerequisite}${gave}${needs}: it decided, so the flag served its default variant and its own rules were not used.`;
  }
  if (lines.length === 0) return null;
  return `Every prerequisite held (${lines.map((l) => `${l.flag} is ${l.variant ?? '—'}`).join(', ')}), so the flag's own rules decided.`;
}
