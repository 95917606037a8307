/**
 * Prerequisites in words: "Serves its rules only when `beta` is `on`; otherwise its default
 * variant `off`." Written as pieces (text, and names to show as code) so that the page and plain
 * text say the same.
 */
import type { Prerequisite } from '../../api/types';

/** A piece of a sentence: plain text, or a flag's or variant's name. */
export type Piece = string | { name: string };

/** "a", "a or b", "a, b or c". */
function either(names: string[]): Piece[] {
  const out: Piece[] = [];
  names.forEach((n, i) => {
    if (i > 0) out.push(i === names.length - 1 ? ' or ' : ', ');
    out.push({ name: n });
  });
  return out;
}

/** "`beta` is `on`", "`plan` is `pro` or `team`". */
export function prerequisiteClause(p: Prerequisite): Piece[] {
  return [{ name: p.flag }, ' is ', ...either(p.variants)];
}

/** The sentence for a state's prerequisites; empty when it has none. */
export function describePrerequisites(prerequisites: Prerequisite[], defaultVariant: string | null | undefined): Piece[] {
  if (prerequisites.length === 0) return [];
  const out: Piece[] = ['Serves its rules only when '];
  prerequisites.forEach((p, i) => {
    if (i > 0) out.push(i === prerequisites.length - 1 ? ' and ' : ', ');
    out.push(...prerequisiteClause(p));
  });
  out.push('; otherwise ');
  out.push(...(defaultVariant ? ['its default variant ', { name: defaultVariant }, '.'] : ["the caller's code default (it has no default variant)."]));
  return out;
}

/** The pieces as plain text, names as they are. */
export const piecesText = (pieces: Piece[]) => pieces.map((p) => (typeof p === 'string' ? p : p.name)).join('');
