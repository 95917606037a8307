/** Typed variant values: parsing what the user typed, and showing values back. */
import type { FlagType, Json } from '../api/types';

export type Parsed = { ok: true; value: Json } | { ok: false; error: string };

export function parseValue(type: FlagType, text: string): Parsed {
  switch (type) {
    case 'boolean':
      if (text === 'true') return { ok: true, value: true };
      if (text === 'false') return { ok: true, value: false };
      return { ok: false, error: 'must be true or false' };
    case 'string':
      return { ok: true, value: text };
    case 'integer': {
      if (!/^-?\d+$/.test(text.trim())) return { ok: false, error: 'must be a whole number' };
      const n = Number(text);
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false, error: 'is too large' };
    }
    case 'float': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'must be a number' };
    }
    case 'object':
      try {
        const v = JSON.parse(text) as Json;
        if (typeof v !== 'object' || v === null) return { ok: false, error: 'must be a JSON object or array' };
        return { ok: true, value: v };
      } catch (e) {
        return { ok: false, error: `is not valid JSON: ${(e as Error).message}` };
      }
  }
}

export function valueToText(type: FlagType, v: Json): string {
  if (type === 'object') return JSON.stringify(v, null, 2);
  if (type === 'string') return typeof v === 'string' ? v : JSON.stringify(v);
  return String(v);
}

export function showValue(v: Json | undefined): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
}

/** Sensible first variants for a new flag of each type. */
export function defaultVariants(type: FlagType): { name: string; value: Json }[] {
  switch (type) {
    case 'boolean':
      return [
        { name: 'on', value: true },
        { name: 'off', value: false },
      ];
    case 'string':
      return [
        { name: 'a', value: 'a' },
        { name: 'b', value: 'b' },
      ];
    case 'integer':
      return [
        { name: 'low', value: 1 },
        { name: 'high', value: 2 },
      ];
    case 'float':
      return [
        { name: 'low', value: 0.5 },
        { name: 'high', value: 1.5 },
      ];
    case 'object':
      return [
        { name: 'a', value: { color: 'blue' } },
        { name: 'b', value: { color: 'green' } },
      ];
  }
}

export const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const KEY_HINT = "1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit";
