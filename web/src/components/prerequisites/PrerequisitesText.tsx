/** A state's prerequisites in words, flag and variant names as code. */
import { Code, Text, type TextProps } from '@mantine/core';
import type { Prerequisite } from '../../api/types';
import { describePrerequisites, type Piece } from '../../lib/prerequisites/describe';

export function Pieces({ pieces }: { pieces: Piece[] }) {
  return (
    <>
      {pieces.map((p, i) => (typeof p === 'string' ? <span key={i}>{p}</span> : <Code key={i}>{p.name}</Code>))}
    </>
  );
}

export function PrerequisitesText({ prerequisites, defaultVariant, ...rest }: { prerequisites: Prerequisite[]; defaultVariant: string | null | undefined } & TextProps) {
  const pieces = describePrerequisites(prerequisites, defaultVariant);
  if (pieces.length === 0) return null;
  return (
    <Text size="sm" data-testid="prerequisites-text" {...rest}>
      <Pieces pieces={pieces} />
    </Text>
  );
}
