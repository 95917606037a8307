/**
 * Where in the builder an API problem lies. The API reports the engine's problems with JSON
 * Pointers into the targeting, such as `/targeting/if/2/fractional/1`; the builder shows rule 2's
 * condition, rule 1's result, or the otherwise branch.
 */
import type { Json } from '../../api/types';
import { isPlainObject, pointerTokens } from '../json';

export type Place =
  | { part: 'condition' | 'result'; rule: number }
  | { part: 'otherwise' }
  | { part: 'whole' }
  | { part: 'other'; field: string };

export function locate(targeting: Json | null, pointer: string): Place {
  const tokens = pointerTokens(pointer);
  if (tokens[0] !== 'targeting') return { part: 'other', field: tokens[0] ?? '' };
  let node: Json | null = targeting;
  let rest = tokens.slice(1);
  let base = 0;
  for (;;) {
    if (!isPlainObject(node) || rest[0] !== 'if' || !Array.isArray(node.if)) {
      return base === 0 && rest.length > 0 && rest[0] !== 'if' ? { part: 'otherwise' } : { part: 'whole' };
    }
    const args: Json[] = node.if;
    const i = Number(rest[1]);
    if (!Number.isInteger(i) || i < 0 || i >= args.length) return { part: 'whole' };
    const isLast = i === args.length - 1 && args.length % 2 === 1;
    if (!isLast) return { part: i % 2 === 0 ? 'condition' : 'result', rule: base + Math.floor(i / 2) };
    const last = args[i];
    if (isPlainObject(last) && Array.isArray(last.if) && rest[2] === 'if') {
      base += Math.floor(args.length / 2);
      node = last;
      rest = rest.slice(2);
      continue;
    }
    return { part: 'otherwise' };
  }
}
