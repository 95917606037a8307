/** Audit entries, newest first, each opening to its diff; optionally with a restore action. */
import { Accordion, Badge, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AuditEntry, Member } from '../api/types';
import { actorName, ago, dateTime } from '../lib/format';
import { DiffView } from './DiffView';

export function AuditList({
  entries,
  members,
  envName,
  action,
}: {
  entries: AuditEntry[];
  members: Member[] | undefined;
  envName?: (id: string) => string | undefined;
  action?: (e: AuditEntry) => ReactNode;
}) {
  if (entries.length === 0) return <Text c="dimmed">Nothing recorded yet.</Text>;
  return (
    <Accordion variant="separated" multiple>
      {entries.map((e) => (
        <Accordion.Item key={e.id} value={e.id} data-testid="audit-entry">
          <Accordion.Control>
            <Group gap="xs" wrap="wrap">
              <Badge variant="light">{e.action}</Badge>
              <Text size="sm" fw={500}>
                {e.target}
              </Text>
              {e.environmentId && envName?.(e.environmentId) && (
                <Badge variant="outline" size="sm">
                  {envName(e.environmentId)}
                </Badge>
              )}
              <Text size="sm" c="dimmed" title={dateTime(e.at)}>
                by {actorName(e.actor, members)}, {ago(e.at)}
              </Text>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <DiffView changes={e.changes} />
            {action && <Group mt="sm">{action(e)}</Group>}
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
