/** What a risky click reaches, in words: rules, environments, evaluations in the last hour. */
import type { Evaluations, Json } from '../../api/types';
import { parseTargeting } from '../../lib/targeting/parse';

/** How many rules a state's targeting has; `custom` for JSON Logic the builder cannot read. */
export function countRules(targeting: unknown): number | 'custom' {
  const t = parseTargeting((targeting ?? null) as Json | null);
  return t.kind === 'rules' ? t.rules.length : 'custom';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** `12403` → `~12,400`: three significant digits, exact below a thousand. */
export function approx(n: number): string {
  if (n < 1000) return String(n);
  const scale = 10 ** (Math.floor(Math.log10(n)) - 2);
  return `~${(Math.round(n / scale) * scale).toLocaleString('en-US')}`;
}

/** The evaluations of a flag counted in some windows; null when no window has analytics. */
export function evaluationTotal(windows: (Evaluations | null | undefined)[]): number | null {
  const known = windows.filter((w): w is Evaluations => !!w);
  if (known.length === 0) return null;
  return known.reduce((n, w) => n + w.rows.reduce((m, r) => m + r.count, 0), 0);
}

export function rulesPhrase(rules: number | 'custom'): string {
  return rules === 'custom' ? 'custom targeting' : rules === 0 ? 'no rules' : plural(rules, 'rule');
}

export function evaluationsPhrase(total: number | null): string | null {
  if (total === null) return null;
  if (total === 0) return 'not evaluated in the last hour';
  return `evaluated ${approx(total)} ${total === 1 ? 'time' : 'times'} in the last hour`;
}

/** "Turn off `checkout-v2` in production: 3 rules, evaluated ~12,400 times in the last hour". */
export function toggleSummary(o: { flag: string; env: string; on: boolean; rules: number | 'custom'; evaluations: number | null }): string {
  const parts = [rulesPhrase(o.rules), evaluationsPhrase(o.evaluations)].filter(Boolean);
  return `Turn ${o.on ? 'on' : 'off'} ${o.flag} in ${o.env}: ${parts.join(', ')}`;
}
