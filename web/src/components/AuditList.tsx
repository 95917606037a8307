/**
 * Audit entries, newest first, each as a sentence ("Ada turned on `beta` in production") that
 * opens to what changed, readably; optionally with a restore action.
 */
import { Accordion, Badge, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AuditEntry, Member } from '../api/types';
import { entrySentence, IMPORT_ACTION, importItems, importSummary } from '../lib/audit';
import { duration } from '../lib/requests/schedule';
import { ago, dateTime } from '../lib/format';
import { EntryDiff } from './audit/EntryDiff';
import { Sentence } from './audit/Sentence';
import { RequestLine } from './RequestLine';

/** "Revision 12 in production" for each environment the change moved on (when names are known). */
function Revisions({ entry, envName }: { entry: AuditEntry; envName?: (id: string) => string | undefined }) {
  const named = Object.entries(entry.revisions ?? {})
    .map(([id, rev]) => [envName?.(id), rev] as const)
    .filter((x): x is readonly [string, number] => !!x[0]);
  if (named.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="audit-revisions">
      {named.map(([name, rev]) => `${name} revision ${rev}`).join(', ')}
    </Text>
  );
}

/** The record's own facts, small: its action code, its id (the one webhook messages link to), its time. */
function Recorded({ entry: e }: { entry: AuditEntry }) {
  return (
    <Text size="xs" c="dimmed" data-testid="audit-recorded">
      Recorded as <code>{e.action}</code>, change {e.id}, {dateTime(e.at)}
    </Text>
  );
}

export function AuditList({
  entries,
  members,
  envName,
  projectName,
  action,
  expanded,
  empty = 'Nothing recorded yet.',
}: {
  entries: AuditEntry[];
  members: Member[] | undefined;
  envName?: (id: string) => string | undefined;
  /** Named on each entry when the list spans projects. */
  projectName?: (id: string) => string | undefined;
  action?: (e: AuditEntry) => ReactNode;
  /** The ids of the entries shown open at first (each can still be closed). */
  expanded?: string[];
  /** What an empty list says. */
  empty?: string;
}) {
  if (entries.length === 0) return <Text c="dimmed">{empty}</Text>;
  return (
    <Accordion variant="separated" multiple defaultValue={expanded}>
      {entries.map((e) => {
        const said = entrySentence(e, { env: envName, members });
        const project = e.projectId ? projectName?.(e.projectId) : undefined;
        return (
          <Accordion.Item key={e.id} value={e.id} data-testid="audit-entry">
            <Accordion.Control>
              <Stack gap={2}>
                <Sentence parts={said.parts} size="sm" fw={500} />
                <Group gap="xs" wrap="wrap">
                  <Text size="xs" c="dimmed" title={dateTime(e.at)}>
                    {ago(e.at)}
                  </Text>
                  {project && (
                    <Badge variant="outline" size="xs" color="gray" data-testid="audit-project">
                      {project}
                    </Badge>
                  )}
                  {e.action === IMPORT_ACTION && (
                    <Text size="xs" c="dimmed" data-testid="import-summary">
                      {importSummary(importItems(e))}
                    </Text>
                  )}
                  {e.request && (
                    <Badge size="xs" variant="light" color="violet" title={e.request.title}>
                      via change request
                    </Badge>
                  )}
                  {!!e.request?.lateByMs && (
                    <Badge size="xs" variant="light" color="orange">
                      {duration(e.request.lateByMs)} late
                    </Badge>
                  )}
                </Group>
              </Stack>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="xs">
                <RequestLine entry={e} members={members} />
                <Revisions entry={e} envName={envName} />
                <EntryDiff entry={e} />
                <Recorded entry={e} />
                {action && <Group>{action(e)}</Group>}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        );
      })}
    </Accordion>
  );
}
