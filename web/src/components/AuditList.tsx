/** Audit entries, newest first, each opening to its diff; optionally with a restore action. */
import { Accordion, Badge, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AuditEntry, Member } from '../api/types';
import { IMPORT_ACTION, importItemLabel, importItems, importSummary, targetLabel } from '../lib/audit';
import { duration } from '../lib/requests/schedule';
import { actorName, ago, dateTime } from '../lib/format';
import { DiffView } from './DiffView';
import { RequestLine } from './RequestLine';

const STATUS_COLOR = { created: 'green', changed: 'blue', removed: 'red' } as const;

/** An import, item by item: each flag, flag state and segment it changed, with its own diff. */
function ImportView({ entry }: { entry: AuditEntry }) {
  const items = importItems(entry);
  if (items.length === 0) return <DiffView changes={entry.changes} />;
  return (
    <Stack gap="sm" data-testid="import-items">
      {items.map((i) => (
        <Stack key={`${i.section}/${i.key}`} gap={4} data-testid="import-item">
          <Group gap="xs">
            <Title order={6}>{importItemLabel(i)}</Title>
            <Badge size="xs" variant="light" color={STATUS_COLOR[i.status]}>
              {i.status}
            </Badge>
          </Group>
          <DiffView changes={i.changes} />
        </Stack>
      ))}
    </Stack>
  );
}

/** "Revision 12 in production" for each environment the change moved on (when names are known). */
function Revisions({ entry, envName }: { entry: AuditEntry; envName?: (id: string) => string | undefined }) {
  const named = Object.entries(entry.revisions ?? {})
    .map(([id, rev]) => [envName?.(id), rev] as const)
    .filter((x): x is readonly [string, number] => !!x[0]);
  if (named.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" mb="xs" data-testid="audit-revisions">
      {named.map(([name, rev]) => `${name} revision ${rev}`).join(', ')}
    </Text>
  );
}

export function AuditList({
  entries,
  members,
  envName,
  action,
  expanded,
}: {
  entries: AuditEntry[];
  members: Member[] | undefined;
  envName?: (id: string) => string | undefined;
  action?: (e: AuditEntry) => ReactNode;
  /** The ids of the entries shown open at first (each can still be closed). */
  expanded?: string[];
}) {
  if (entries.length === 0) return <Text c="dimmed">Nothing recorded yet.</Text>;
  return (
    <Accordion variant="separated" multiple defaultValue={expanded}>
      {entries.map((e) => {
        const imported = e.action === IMPORT_ACTION;
        return (
          <Accordion.Item key={e.id} value={e.id} data-testid="audit-entry">
            <Accordion.Control>
              <Group gap="xs" wrap="wrap">
                <Badge variant="light">{e.action}</Badge>
                <Text size="sm" fw={500}>
                  {imported ? `Import into ${e.target.replace(/^environment:/, '')}` : targetLabel(e)}
                </Text>
                {e.environmentId && envName?.(e.environmentId) && (
                  <Badge variant="outline" size="sm">
                    {envName(e.environmentId)}
                  </Badge>
                )}
                {imported && (
                  <Text size="sm" data-testid="import-summary">
                    {importSummary(importItems(e))}
                  </Text>
                )}
                <Text size="sm" c="dimmed" title={dateTime(e.at)}>
                  by {actorName(e.actor, members)}, {ago(e.at)}
                </Text>
                {e.request && (
                  <Badge size="sm" variant="light" color="violet" title={e.request.title}>
                    via change request
                  </Badge>
                )}
                {!!e.request?.lateByMs && (
                  <Badge size="sm" variant="light" color="orange">
                    {duration(e.request.lateByMs)} late
                  </Badge>
                )}
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <RequestLine entry={e} members={members} />
              <Revisions entry={e} envName={envName} />
              {imported ? <ImportView entry={e} /> : <DiffView changes={e.changes} />}
              {action && <Group mt="sm">{action(e)}</Group>}
            </Accordion.Panel>
          </Accordion.Item>
        );
      })}
    </Accordion>
  );
}
