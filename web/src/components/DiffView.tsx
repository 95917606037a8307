/** An audit entry's changes as JSON: each JSON Pointer with its value before and after. */
import { Code, Table, Text } from '@mantine/core';
import type { Change } from '../api/types';

function show(v: unknown) {
  if (v === undefined) return <Text size="xs" c="dimmed">(none)</Text>;
  return (
    <Code block tabIndex={0} style={{ whiteSpace: 'pre-wrap', maxHeight: 240, overflow: 'auto' }}>
      {JSON.stringify(v, null, 2)}
    </Code>
  );
}

export function DiffView({ changes, testId = 'diff' }: { changes: Change[]; testId?: string }) {
  const shown = changes.filter((c) => !['/version', '/updatedAt', '/updatedBy'].includes(c.path));
  if (shown.length === 0) return <Text size="sm" c="dimmed">No visible changes.</Text>;
  return (
    <Table withTableBorder layout="fixed" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="25%">What</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {shown.map((c) => (
          <Table.Tr key={c.path}>
            <Table.Td>
              <code>{c.path || '(whole)'}</code>
            </Table.Td>
            <Table.Td bg={c.before !== undefined ? 'red.0' : undefined}>{show(c.before)}</Table.Td>
            <Table.Td bg={c.after !== undefined ? 'green.0' : undefined}>{show(c.after)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
