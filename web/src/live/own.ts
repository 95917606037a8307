/**
 * The changes this tab made itself, so that the feed's echo of them is not announced as someone
 * else's. A write is remembered for a short while by environment and flag key.
 */
import type { ChangeEvent } from './change';

const REMEMBER_MS = 20_000;
const writes = new Map<string, number>();
const slot = (env: string | null, key: string) => `${env ?? ''}/${key}`;

/** Remembers that this tab is about to change `key` in `env` (null: not in one environment). */
export function markOwnWrite(env: string | null, key: string, now: number = Date.now()): void {
  writes.set(slot(env, key), now + REMEMBER_MS);
}

/** Whether `c` is the echo of a write this tab made (by `me`, `user:ID`, when known). */
export function isOwnChange(c: ChangeEvent, me: string | null, now: number = Date.now()): boolean {
  if (me && c.actor !== me) return false;
  return c.keys.some((k) => (writes.get(slot(c.environmentId, k)) ?? 0) > now);
}

/** Forgets every write (tests). */
export function forgetOwnWrites(): void {
  writes.clear();
}
