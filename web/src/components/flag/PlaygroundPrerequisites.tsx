/** The playground's prerequisites: each one checked, what its flag served, whether it held, and which decided. */
import { Alert, Badge, Stack, Table } from '@mantine/core';
import type { Explanation, Prerequisite } from '../../api/types';
import { prerequisiteLines, prerequisiteVerdict } from '../../lib/prerequisites/explain';

export function PlaygroundPrerequisites({ result, required }: { result: Explanation; required?: Prerequisite[] }) {
  const verdict = prerequisiteVerdict(result, required);
  if (!verdict) return null;
  const lines = prerequisiteLines(result, required);
  return (
    <Stack gap="xs" data-testid="playground-prerequisites">
      <Alert color={result.failedPrerequisite ? 'orange' : 'teal'} variant="light" title="Prerequisites" data-testid="playground-prerequisite-verdict">
        {verdict}
      </Alert>
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Prerequisite</Table.Th>
            <Table.Th>Served</Table.Th>
            <Table.Th>Needs</Table.Th>
            <Table.Th>Held</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((l) => (
            <Table.Tr key={l.flag} data-testid="playground-prerequisite">
              <Table.Td>
                <code>{l.flag}</code> {l.decided && <Badge size="xs" color="orange">decided</Badge>}
              </Table.Td>
              <Table.Td>{l.variant ?? 'no variant (off)'}</Table.Td>
              <Table.Td>{l.needs ? l.needs.join(' or ') : '—'}</Table.Td>
              <Table.Td>{l.held ? 'yes' : 'no'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
