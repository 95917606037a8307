/**
 * What an import would do to an environment, computed in the browser against its current export:
 * which flags the file adds, which it changes (and what: state, default variant, targeting,
 * variants), which it leaves as they are, and which of the environment's flags it does not
 * mention (an import never removes a flag). Segments (`$evaluators`) likewise.
 */
import type { FlagdDocument, Json } from '../../api/types';
import type { FlagdDefinition, ParsedFlagd } from './parse';

export type Aspect = 'state' | 'defaultVariant' | 'targeting' | 'variants';

export interface FlagChange {
  key: string;
  aspects: Aspect[];
  /** The state before and after, when it changes. */
  state?: { from: FlagdDefinition['state']; to: FlagdDefinition['state'] };
  defaultVariant?: { from: string | null; to: string | null };
}

export interface ImportPreview {
  added: { key: string; state: FlagdDefinition['state']; defaultVariant: string | null }[];
  changed: FlagChange[];
  unchanged: string[];
  /** Flags of the environment the file does not mention: they stay as they are. */
  notInFile: string[];
  segmentsAdded: string[];
  segmentsChanged: string[];
}

/** JSON with object keys sorted, so that two equal values compare equal whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
/** null, absent and `{}` targeting all mean "no rules" (as the server reads them). */
const rules = (t: Json | undefined) => (t && typeof t === 'object' && !Array.isArray(t) && Object.keys(t).length === 0 ? null : (t ?? null));
/** `flag:` evaluators are prerequisites compiled into the export, not segments. */
const isSegment = (key: string) => !key.startsWith('flag:');

export function previewImport(current: FlagdDocument, file: ParsedFlagd): ImportPreview {
  const out: ImportPreview = { added: [], changed: [], unchanged: [], notInFile: [], segmentsAdded: [], segmentsChanged: [] };
  const now = current.flags ?? {};
  for (const key of Object.keys(file.flags).sort()) {
    const next = file.flags[key];
    const was = now[key];
    if (!was) {
      out.added.push({ key, state: next.state, defaultVariant: next.defaultVariant });
      continue;
    }
    const c: FlagChange = { key, aspects: [] };
    if (was.state !== next.state) {
      c.aspects.push('state');
      c.state = { from: was.state, to: next.state };
    }
    if ((was.defaultVariant ?? null) !== next.defaultVariant) {
      c.aspects.push('defaultVariant');
      c.defaultVariant = { from: was.defaultVariant ?? null, to: next.defaultVariant };
    }
    if (!same(rules(was.targeting), rules(next.targeting))) c.aspects.push('targeting');
    if (!same(was.variants, next.variants)) c.aspects.push('variants');
    if (c.aspects.length) out.changed.push(c);
    else out.unchanged.push(key);
  }
  out.notInFile = Object.keys(now)
    .filter((k) => !(k in file.flags))
    .sort();
  const segs = current.$evaluators ?? {};
  for (const key of Object.keys(file.evaluators).filter(isSegment).sort()) {
    if (!(key in segs)) out.segmentsAdded.push(key);
    else if (!same(segs[key], file.evaluators[key])) out.segmentsChanged.push(key);
  }
  return out;
}

/** Whether applying the file would change anything. */
export const changesAnything = (p: ImportPreview) =>
  p.added.length + p.changed.length + p.segmentsAdded.length + p.segmentsChanged.length > 0;

export const ASPECT_LABELS: Record<Aspect, string> = {
  state: 'state',
  defaultVariant: 'default variant',
  targeting: 'targeting',
  variants: 'variants',
};
