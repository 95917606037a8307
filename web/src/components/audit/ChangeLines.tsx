/** A structured diff: one line per thing that changed, before → after, added or removed. */
import { Group, Stack, Text } from '@mantine/core';
import type { DiffLine } from '../../lib/audit';

const SIGN = { added: '+', removed: '−', changed: '~' } as const;
const COLOR = { added: 'green', removed: 'red', changed: 'blue' } as const;

function Value({ text, was }: { text: string; was?: boolean }) {
  return (
    <Text span size="sm" ff="monospace" c={was ? 'red' : 'green'} td={was ? 'line-through' : undefined} style={{ wordBreak: 'break-word' }}>
      {text}
    </Text>
  );
}

export function ChangeLines({ lines }: { lines: DiffLine[] }) {
  if (lines.length === 0) return <Text size="sm" c="dimmed">No visible changes.</Text>;
  return (
    <Stack gap={4} data-testid="change-lines">
      {lines.map((l, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-start" data-testid="change-line" data-change={l.change}>
          <Text span size="sm" fw={700} c={COLOR[l.change]} w={12} aria-hidden>
            {SIGN[l.change]}
          </Text>
          <Text size="sm" style={{ flex: 1 }}>
            <Text span fw={600}>
              {l.what}
              {l.change === 'changed' ? ': ' : l.change === 'added' ? ' added: ' : ' removed: '}
            </Text>
            {l.before !== undefined && <Value text={l.before} was />}
            {l.change === 'changed' && ' → '}
            {l.after !== undefined && <Value text={l.after} />}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
