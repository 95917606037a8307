/**
 * What an audit entry changed, readably (`lib/audit/diff`); an import item by item. The raw
 * before → after JSON stays one switch away ("Show JSON").
 */
import { Badge, Group, Stack, Switch, Title } from '@mantine/core';
import { useState } from 'react';
import type { AuditEntry } from '../../api/types';
import { entryLines, IMPORT_ACTION, importItemLabel, importItems, objectLines, type ImportItem, type Reading } from '../../lib/audit';
import { DiffView } from '../DiffView';
import { ChangeLines } from './ChangeLines';

const STATUS_COLOR = { created: 'green', changed: 'blue', removed: 'red' } as const;
const READING: Record<ImportItem['section'], Reading> = { flags: 'flag', states: 'state', segments: 'segment' };

function itemLines(i: ImportItem) {
  try {
    return objectLines(READING[i.section], i.before, i.after, i.changes);
  } catch {
    return [];
  }
}

/** An import, item by item: each flag, flag state and segment it changed. */
function ImportItems({ entry, json }: { entry: AuditEntry; json: boolean }) {
  const items = importItems(entry);
  if (items.length === 0) return json ? <DiffView changes={entry.changes} testId="diff-json" /> : <ChangeLines lines={entryLines(entry)} />;
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
          {json ? <DiffView changes={i.changes} testId="diff-json" /> : <ChangeLines lines={itemLines(i)} />}
        </Stack>
      ))}
    </Stack>
  );
}

export function EntryDiff({ entry }: { entry: AuditEntry }) {
  const [json, setJson] = useState(false);
  const imported = entry.action === IMPORT_ACTION;
  return (
    <Stack gap="xs" data-testid="diff">
      <Switch size="xs" label="Show JSON" checked={json} onChange={(e) => setJson(e.currentTarget.checked)} />
      {imported ? <ImportItems entry={entry} json={json} /> : json ? <DiffView changes={entry.changes} testId="diff-json" /> : <ChangeLines lines={entryLines(entry)} />}
    </Stack>
  );
}
