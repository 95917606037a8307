/**
 * The pieces sentences about audit entries are made of: plain text and names shown as code (flag
 * and segment keys, variants), with what every family of sentences needs to read an entry.
 */
import type { AuditEntry, Member } from '../../api/types';
import { deepEqual } from '../json';

/** Plain text, or a key or variant to show as code. */
export type Part = string | { code: string };

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export const code = (s: string): Part => ({ code: s });
export const quote = (s: string) => `“${s}”`;

/** "a", "a and b", "a, b and c". */
export function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "1 flag", "4 flags". */
export const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A non-empty string field of an object, or undefined. */
export function str(o: Obj | undefined, field: string): string | undefined {
  const v = o?.[field];
  return typeof v === 'string' && v.trim() ? v : undefined;
}

export function num(o: Obj | undefined, field: string): number | undefined {
  const v = o?.[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** At most `n` characters, an ellipsis marking the cut. */
export const short = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The fields among `fields` whose values differ between the two sides. */
export function changedFields(before: Obj | undefined, after: Obj | undefined, fields: string[]): string[] {
  return fields.filter((f) => !deepEqual(before?.[f] ?? null, after?.[f] ?? null));
}

/** What a sentence reads from its entry. */
export interface Ctx {
  e: AuditEntry;
  /** The target's kind and key: `flag:checkout` → `flag`, `checkout`. */
  kind: string;
  key: string;
  before: Obj | undefined;
  after: Obj | undefined;
  /** The environment's name; null when the entry is not about one environment. */
  env: string | null;
  members?: Member[];
}

/** " in production", or nothing for an entry of no environment. */
export const inEnv = (c: Ctx): Part[] => (c.env ? [' in ', c.env] : []);

/** What the actor did, after their name ("turned on `beta` in production"); null: not readable. */
export type Describe = (c: Ctx) => Part[] | null;

/** The plain text of parts, codes as they are. */
export const partsText = (parts: Part[]) => parts.map((p) => (typeof p === 'string' ? p : p.code)).join('');
