import type { Evaluation } from './types';

/** Messages from the server (docs/protocol.md), checked before use. */
export type Message =
  | { type: 'snapshot'; revision: number; flags: Record<string, Evaluation> }
  | { type: 'changes'; revision: number; base: number; flags: Record<string, Evaluation>; removed: string[] }
  | { type: 'error'; code?: string; message?: string }
  | { type: 'ping' | 'pong' | 'unknown' };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isRevision = (v: unknown): v is number => typeof v === 'number' && v >= 0 && Math.floor(v) === v;

function flagsOf(v: unknown): Record<string, Evaluation> | null {
  if (!isObject(v)) return null;
  for (const k in v) if (!isObject(v[k])) return null;
  return v as Record<string, Evaluation>;
}

/** A message, or null when it is malformed (which makes the client reconnect). */
export function parse(text: unknown): Message | null {
  let m: unknown;
  try {
    m = typeof text === 'string' ? JSON.parse(text) : null;
  } catch {
    return null;
  }
  if (!isObject(m) || typeof m.type !== 'string') return null;
  switch (m.type) {
    case 'snapshot': {
      const flags = flagsOf(m.flags);
      return isRevision(m.revision) && flags ? { type: 'snapshot', revision: m.revision, flags } : null;
    }
    case 'changes': {
      const flags = flagsOf(m.flags || {});
      const removed = m.removed || [];
      const ok = Array.isArray(removed) && removed.every((r) => typeof r === 'string');
      return isRevision(m.revision) && isRevision(m.base) && flags && ok
        ? { type: 'changes', revision: m.revision, base: m.base, flags, removed: removed as string[] }
        : null;
    }
    case 'error':
      return { type: 'error', code: String(m.code || ''), message: String(m.message || '') };
    case 'ping':
    case 'pong':
      return { type: m.type };
    default:
      return { type: 'unknown' };
  }
}

/** The message that tells the server the context (and, in secure mode, its hash). */
export function contextMessage(type: 'hello' | 'identify', context: unknown, hash?: string): object {
  return hash ? { type, context, hash } : { type, context };
}

/** The header an OFREP request carries secure mode's hash in. */
export const HASH_HEADER = 'X-Switchyard-Hash';

/** base64url of the context's JSON (UTF-8), for the SSE URL. */
export function encodeContext(context: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(context));
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
