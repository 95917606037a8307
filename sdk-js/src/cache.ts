import type { Evaluation } from './types';

export type Storage_ = Pick<Storage, 'getItem' | 'setItem'>;

export interface Cached {
  revision: number;
  flags: Record<string, Evaluation>;
}

/** localStorage, when the page may use it (sandboxed frames and some privacy modes throw). */
export function defaultStorage(): Storage_ | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Values are kept per client key and targeting key: one user's values never show for another. */
export const cacheKey = (clientKey: string, targetingKey: unknown) =>
  `switchyard:${clientKey}:${typeof targetingKey === 'string' ? targetingKey : ''}`;

export function load(storage: Storage_ | null, key: string): Cached | null {
  try {
    const c = JSON.parse((storage && storage.getItem(key)) || 'null');
    return c && typeof c.revision === 'number' && c.flags && typeof c.flags === 'object' ? c : null;
  } catch {
    return null;
  }
}

export function save(storage: Storage_ | null, key: string, value: Cached): void {
  try {
    if (storage) storage.setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused: the cache is an optimisation only.
  }
}
