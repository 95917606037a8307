/**
 * An endpoint's deliveries as the API pages them (pending first, oldest first; then sent, newest
 * first): each with its attempts and the body sent, and a way to send it again.
 */
import { ActionIcon, Badge, Button, Code, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, type ReactNode, useState } from 'react';
import { redeliver, useDeliveries, webhookKeys } from '../../api/webhooks';
import type { Delivery, DeliveryAttempt } from '../../api/types';
import { dateTime } from '../../lib/format';
import { attemptCount, BADGE, lastAttempt, prettyBody, shortChangeId } from '../../lib/webhooks';
import { ErrorAlert } from '../ErrorAlert';

const COLUMNS = 9;
const NOWRAP = { whiteSpace: 'nowrap' } as const;

function StatusCode({ a }: { a: DeliveryAttempt | undefined }) {
  if (!a) return <Text size="sm" c="dimmed">—</Text>;
  if (a.status == null) return <Badge color="red" variant="light" style={BADGE}>no answer</Badge>;
  return (
    <Badge color={a.status >= 200 && a.status < 300 ? 'green' : 'red'} variant="light" style={BADGE}>
      {a.status}
    </Badge>
  );
}

function StateBadge({ d }: { d: Delivery }) {
  return d.state === 'delivered' ? (
    <Badge color="green" variant="light" style={BADGE}>
      delivered
    </Badge>
  ) : (
    <Badge color="yellow" variant="light" style={BADGE} title={d.nextAttemptAt ? `next attempt at ${dateTime(d.nextAttemptAt)}` : undefined}>
      pending
    </Badge>
  );
}

function Details({ d }: { d: Delivery }): ReactNode {
  return (
    <Stack gap="sm" py="xs" data-testid="delivery-details">
      <Text size="xs" c="dimmed">
        Delivery <code>{d.id}</code>
        {d.messageId ? (
          <>
            , message (<code>webhook-id</code>) <code>{d.messageId}</code>
          </>
        ) : null}
        {d.changeId ? (
          <>
            , change <code>{d.changeId}</code>
          </>
        ) : null}
        , created {dateTime(d.createdAt)}
        {d.deliveredAt ? `, delivered ${dateTime(d.deliveredAt)}` : ''}
        {d.state === 'pending' && d.nextAttemptAt ? `, next attempt at ${dateTime(d.nextAttemptAt)}` : ''}
      </Text>
      <Title order={3} size="h6">
        Attempts{attemptCount(d) > d.attempts.length ? ` (the last ${d.attempts.length} of ${attemptCount(d)})` : ''}
      </Title>
      {d.attempts.length === 0 ? (
        <Text size="sm" c="dimmed">
          Not tried yet.
        </Text>
      ) : (
        <Table withTableBorder data-testid="delivery-attempts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Error</Table.Th>
              <Table.Th>Response</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.attempts.map((a, i) => (
              <Table.Tr key={i} data-testid="delivery-attempt">
                <Table.Td>{dateTime(a.at)}</Table.Td>
                <Table.Td style={NOWRAP}>
                  <StatusCode a={a} />
                </Table.Td>
                <Table.Td>{a.durationMs} ms</Table.Td>
                <Table.Td>{a.error ?? ''}</Table.Td>
                <Table.Td>
                  {a.response ? (
                    <Code block tabIndex={0} style={{ maxHeight: 160, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                      {a.response}
                    </Code>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={3} size="h6">
        Body sent
      </Title>
      {d.body ? (
        <Code block tabIndex={0} data-testid="delivery-body" style={{ maxHeight: 360, overflow: 'auto' }}>
          {prettyBody(d.body)}
        </Code>
      ) : (
        <Text size="sm" c="dimmed">
          Made when it is first sent.
        </Text>
      )}
    </Stack>
  );
}

export function DeliveryLog({ org, webhook, canManage }: { org: string; webhook: string; canManage: boolean }) {
  const qc = useQueryClient();
  const log = useDeliveries(org, webhook);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const again = useMutation({
    mutationFn: (delivery: string) => redeliver(org, webhook, delivery),
    onSuccess: (d) => {
      notifications.show({ message: `Sending ${d.event} again`, color: 'blue' });
      return qc.invalidateQueries({ queryKey: webhookKeys.deliveries(org, webhook) });
    },
  });
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h5">
          Delivery log
        </Title>
        <ErrorAlert error={log.error ?? again.error} />
        {log.loaded && log.items.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="no-deliveries">
            Nothing sent yet. Change a flag, or send a test event.
          </Text>
        )}
        {log.items.length > 0 && (
          <Table.ScrollContainer minWidth={760}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>
                    <VisuallyHidden>Details</VisuallyHidden>
                  </Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Change</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Last status</Table.Th>
                  <Table.Th>Last duration</Table.Th>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {log.items.map((d) => {
                  const last = lastAttempt(d);
                  const expanded = open.has(d.id);
                  return (
                    <Fragment key={d.id}>
                      <Table.Tr data-testid="delivery-row" data-delivery={d.id}>
                        <Table.Td>
                          <ActionIcon variant="subtle" size="sm" aria-label={`Details of ${d.event} ${d.id}`} aria-expanded={expanded} onClick={() => toggle(d.id)}>
                            {expanded ? '▾' : '▸'}
                          </ActionIcon>
                        </Table.Td>
                        <Table.Td>
                          <code>{d.event}</code>
                        </Table.Td>
                        <Table.Td>{d.changeId ? <code title={`change ${d.changeId}`}>{shortChangeId(d.changeId)}</code> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                        <Table.Td style={NOWRAP}>
                          <StateBadge d={d} />
                        </Table.Td>
                        <Table.Td>{attemptCount(d)}</Table.Td>
                        <Table.Td style={NOWRAP}>
                          <StatusCode a={last} />
                        </Table.Td>
                        <Table.Td style={NOWRAP}>{last ? `${last.durationMs} ms` : '—'}</Table.Td>
                        <Table.Td style={NOWRAP}>
                          <Text size="sm">{dateTime(d.deliveredAt ?? last?.at ?? d.createdAt)}</Text>
                        </Table.Td>
                        <Table.Td>
                          {canManage && (
                            <Button
                              size="xs"
                              variant="subtle"
                              loading={again.isPending && again.variables === d.id}
                              onClick={() => again.mutate(d.id)}
                            >
                              Redeliver
                            </Button>
                          )}
                        </Table.Td>
                      </Table.Tr>
                      {expanded && (
                        <Table.Tr>
                          <Table.Td colSpan={COLUMNS}>
                            <Details d={d} />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {log.hasMore && (
          <Group>
            <Button variant="default" onClick={log.loadMore} loading={log.loadingMore}>
              Load more deliveries
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
