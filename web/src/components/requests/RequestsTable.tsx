/** Change requests as rows: title (and any ramp's plan), author, status, environments, approvals, time. */
import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { ChangeRequest, Environment, Member } from '../../api/types';
import { actorName, ago, dateTime } from '../../lib/format';
import { planText } from '../../lib/ramps/plan';
import { scheduleLabel } from '../../lib/requests/schedule';
import { approvalsText, requestEnvironmentIds } from '../../lib/requests/status';
import { StatusBadge } from './Badges';

interface Props {
  requests: ChangeRequest[];
  members: Member[] | undefined;
  environments: Environment[];
  /** The link to one request. */
  pathOf: (id: string) => string;
}

export function RequestsTable({ requests, members, environments, pathOf }: Props) {
  const envName = (id: string) => environments.find((e) => e.id === id)?.name ?? 'an environment';
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="requests-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Change request</Table.Th>
            <Table.Th>Author</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Environments</Table.Th>
            <Table.Th>Approvals</Table.Th>
            <Table.Th>Scheduled</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {requests.map((r) => (
            <Table.Tr key={r.id} data-testid="request-row">
              <Table.Td>
                <Anchor component={Link} to={pathOf(r.id)} fw={600}>
                  {r.title}
                </Anchor>
                <Text size="xs" c="dimmed" title={dateTime(r.createdAt)}>
                  {r.changes.length} change{r.changes.length === 1 ? '' : 's'}, opened {ago(r.createdAt)}
                </Text>
                {r.changes.map((c, i) =>
                  c.kind === 'ramp' ? (
                    <Group key={i} gap={4} wrap="nowrap" data-testid="request-row-ramp">
                      <Badge size="xs" variant="light" color="grape">
                        ramp
                      </Badge>
                      <Text size="xs">
                        {c.flag} to {c.variant} in {envName(c.environmentId)}: {planText(c.steps)}
                      </Text>
                    </Group>
                  ) : null,
                )}
              </Table.Td>
              <Table.Td>{actorName(r.author, members)}</Table.Td>
              <Table.Td>
                <StatusBadge status={r.status} />
              </Table.Td>
              <Table.Td>
                <Group gap={4}>{requestEnvironmentIds(r).map(envName).join(', ') || '—'}</Group>
              </Table.Td>
              <Table.Td data-testid="request-approvals">{approvalsText(r)}</Table.Td>
              <Table.Td>{r.scheduledAt ? <Text size="sm">{scheduleLabel(r.scheduledAt)}</Text> : <Text size="sm" c="dimmed">by hand</Text>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
