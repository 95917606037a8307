/** A sentence of an audit entry: its text, with keys and variants as code. */
import { Code, Text, type TextProps } from '@mantine/core';
import type { Part } from '../../lib/audit';

export function Sentence({ parts, ...props }: { parts: Part[] } & TextProps) {
  return (
    <Text data-testid="audit-sentence" {...props}>
      {parts.map((p, i) => (typeof p === 'string' ? p : <Code key={i}>{p.code}</Code>))}
    </Text>
  );
}
