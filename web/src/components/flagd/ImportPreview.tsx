/** An import's preview: what each flag and segment of the file would do to the environment. */
import { Badge, Group, List, Stack, Table, Text } from '@mantine/core';
import { ASPECT_LABELS, type ImportPreview as Preview } from './preview';

const variant = (v: string | null) => (v === null ? <i>none</i> : <code>{v}</code>);
const stateWord = (s: 'ENABLED' | 'DISABLED') => (s === 'ENABLED' ? 'on' : 'off');

export function ImportPreview({ preview: p, envName }: { preview: Preview; envName: string }) {
  return (
    <Stack gap="sm" data-testid="flagd-preview">
      <Group gap="xs">
        <Badge color="green" variant="light" data-testid="preview-added">
          {p.added.length} added
        </Badge>
        <Badge color="orange" variant="light" data-testid="preview-changed">
          {p.changed.length} changed
        </Badge>
        <Badge color="gray" variant="light" data-testid="preview-unchanged">
          {p.unchanged.length} unchanged
        </Badge>
        {(p.segmentsAdded.length > 0 || p.segmentsChanged.length > 0) && (
          <Badge color="violet" variant="light">
            {p.segmentsAdded.length + p.segmentsChanged.length} segment{p.segmentsAdded.length + p.segmentsChanged.length === 1 ? '' : 's'} written
          </Badge>
        )}
      </Group>
      {(p.added.length > 0 || p.changed.length > 0) && (
        <Table withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Flag</Table.Th>
              <Table.Th>In {envName}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {p.added.map((a) => (
              <Table.Tr key={a.key} data-testid={`preview-row-${a.key}`}>
                <Table.Td>
                  <code>{a.key}</code>
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" color="green" mr="xs">
                    new
                  </Badge>
                  {stateWord(a.state)}, default variant {variant(a.defaultVariant)}
                </Table.Td>
              </Table.Tr>
            ))}
            {p.changed.map((c) => (
              <Table.Tr key={c.key} data-testid={`preview-row-${c.key}`}>
                <Table.Td>
                  <code>{c.key}</code>
                </Table.Td>
                <Table.Td>
                  <List size="sm" spacing={2}>
                    {c.state && (
                      <List.Item>
                        turned {stateWord(c.state.to)} (was {stateWord(c.state.from)})
                      </List.Item>
                    )}
                    {c.defaultVariant && (
                      <List.Item>
                        default variant {variant(c.defaultVariant.from)} → {variant(c.defaultVariant.to)}
                      </List.Item>
                    )}
                    {c.aspects
                      .filter((a) => a === 'targeting' || a === 'variants')
                      .map((a) => (
                        <List.Item key={a}>
                          {ASPECT_LABELS[a]} changed{a === 'variants' ? ' (in every environment)' : ''}
                        </List.Item>
                      ))}
                  </List>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {p.segmentsAdded.length > 0 && <Text size="sm">New segments: {p.segmentsAdded.join(', ')}</Text>}
      {p.segmentsChanged.length > 0 && <Text size="sm">Changed segments (in every environment): {p.segmentsChanged.join(', ')}</Text>}
      {p.unchanged.length > 0 && (
        <Text size="sm" c="dimmed">
          Unchanged: {p.unchanged.join(', ')}
        </Text>
      )}
      {p.notInFile.length > 0 && (
        <Text size="sm" c="dimmed" data-testid="preview-not-in-file">
          Not in the file, left as they are (an import never removes a flag): {p.notInFile.join(', ')}
        </Text>
      )}
    </Stack>
  );
}
