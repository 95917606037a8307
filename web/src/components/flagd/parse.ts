/**
 * Reading a flagd document pasted or uploaded for import, before anything is sent: the same
 * structural rules as the server's `Document::parse` (core/src/flagd/parse.rs), each problem with
 * the JSON Pointer of where it is. Targeting is read as it is; the server's engine checks it.
 */
import type { Json } from '../../api/types';

export interface Problem {
  path: string;
  message: string;
}

/** One flag as the file defines it. */
export interface FlagdDefinition {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, Json>;
  defaultVariant: string | null;
  /** Absent when the file has none (null and `{}` count as none, as the server reads them). */
  targeting?: Json;
}

export interface ParsedFlagd {
  flags: Record<string, FlagdDefinition>;
  evaluators: Record<string, Json>;
  /** The document as read, sent as it is on import. */
  raw: Json;
}

export type ParseResult = { ok: true; doc: ParsedFlagd } | { ok: false; problems: Problem[] };

const isObject = (v: unknown): v is Record<string, Json> => !!v && typeof v === 'object' && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const show = (v: unknown) => JSON.stringify(v);

function kindOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function readFlag(key: string, def: unknown, path: string, problems: Problem[]): FlagdDefinition | null {
  const before = problems.length;
  if (!key) problems.push({ path, message: 'a flag key must not be empty' });
  if (!isObject(def)) {
    problems.push({ path, message: 'a flag must be an object' });
    return null;
  }
  const state = def.state;
  if (state === undefined) problems.push({ path: `${path}/state`, message: 'is required' });
  else if (state !== 'ENABLED' && state !== 'DISABLED')
    problems.push({ path: `${path}/state`, message: `must be "ENABLED" or "DISABLED", not ${show(state)}` });

  const variants = def.variants;
  let names: string[] = [];
  if (variants === undefined) problems.push({ path: `${path}/variants`, message: 'is required' });
  else if (!isObject(variants)) problems.push({ path: `${path}/variants`, message: 'must be an object of variant name to value' });
  else if (Object.keys(variants).length === 0) problems.push({ path: `${path}/variants`, message: 'a flag needs at least one variant' });
  else {
    names = Object.keys(variants);
    const kinds = new Set(Object.values(variants).map((v) => (kindOf(v) === 'array' ? 'object' : kindOf(v))));
    if (kinds.size > 1 || kinds.has('null'))
      problems.push({
        path: `${path}/variants`,
        message: `every variant of a flag must have the same type (boolean, string, number or object); found ${names
          .map((n) => `${n}: ${kindOf(variants[n])}`)
          .join(', ')}`,
      });
  }

  const dv = def.defaultVariant;
  if (dv !== undefined && dv !== null) {
    if (typeof dv !== 'string') problems.push({ path: `${path}/defaultVariant`, message: `must be a variant name or null, not ${show(dv)}` });
    else if (names.length > 0 && !names.includes(dv))
      problems.push({ path: `${path}/defaultVariant`, message: `"${dv}" is not one of the flag's variants (${names.join(', ')})` });
  }

  const t = def.targeting;
  if (t !== undefined && t !== null && !isObject(t)) problems.push({ path: `${path}/targeting`, message: `must be a JsonLogic object, not ${show(t)}` });

  if (problems.length !== before) return null;
  const out: FlagdDefinition = {
    state: state as FlagdDefinition['state'],
    variants: variants as Record<string, Json>,
    defaultVariant: (dv as string | null | undefined) ?? null,
  };
  if (isObject(t) && Object.keys(t).length > 0) out.targeting = t;
  return out;
}

/** Reads a parsed JSON value as a flagd document. */
export function readFlagd(root: unknown): ParseResult {
  const problems: Problem[] = [];
  if (!isObject(root)) return { ok: false, problems: [{ path: '', message: 'a flag document must be a JSON object' }] };
  const flags: Record<string, FlagdDefinition> = {};
  const defs = root.flags;
  if (defs === undefined) problems.push({ path: '/flags', message: 'is required' });
  else if (isObject(defs)) {
    for (const [key, def] of Object.entries(defs)) {
      const f = readFlag(key, def, `/flags/${escape(key)}`, problems);
      if (f) flags[key] = f;
    }
  } else if (Array.isArray(defs)) {
    // flagd's import form: a list of flags, each naming its `key`.
    defs.forEach((def, i) => {
      const path = `/flags/${i}`;
      const key = isObject(def) ? def.key : undefined;
      if (typeof key !== 'string' || !key) {
        problems.push({ path: `${path}/key`, message: 'a flag in a list needs a non-empty string key' });
        return;
      }
      if (key in flags) {
        problems.push({ path: `${path}/key`, message: `flag "${key}" is listed twice` });
        return;
      }
      const f = readFlag(key, def, path, problems);
      if (f) flags[key] = f;
    });
  } else problems.push({ path: '/flags', message: 'must be an object of flags by key, or a list of flags with keys' });

  let evaluators: Record<string, Json> = {};
  const ev = root.$evaluators;
  if (isObject(ev)) evaluators = ev;
  else if (ev !== undefined && ev !== null) problems.push({ path: '/$evaluators', message: 'must be an object of named rules' });

  return problems.length ? { ok: false, problems } : { ok: true, doc: { flags, evaluators, raw: root } };
}

/** Where in the text a JSON syntax error is, as "line L, column C", when the parser says. */
function where(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const pos = Number(m[1]);
  const upto = text.slice(0, pos).split('\n');
  return ` (line ${upto.length}, column ${upto[upto.length - 1].length + 1})`;
}

/** Reads the text of a file or a paste: JSON first, then the flagd rules. */
export function parseFlagdText(text: string): ParseResult {
  if (!text.trim()) return { ok: false, problems: [{ path: '', message: 'the document is empty: paste a flagd JSON document or choose a file' }] };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    return { ok: false, problems: [{ path: '', message: `not valid JSON${/line \d+/.test(message) ? '' : where(text, message)}: ${message}` }] };
  }
  return readFlagd(root);
}
