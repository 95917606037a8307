/** Segments: named, reusable conditions, referenced from targeting as {"$ref": key}. */
import { Alert, Button, Code, Group, List, Modal, Stack, Table, Text, Textarea, TextInput, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { createSegment, deleteSegment, flagKeys, updateSegment, useSegments } from '../../api/flags';
import type { Json, Segment } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ApprovalRequiredAlert } from '../../components/requests/ApprovalRequiredAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { ConditionListEditor } from '../../components/targeting/ConditionListEditor';
import { fieldError } from '../../lib/errors';
import { ago } from '../../lib/format';
import { canEditFlags } from '../../lib/roles';
import { KEY_HINT, KEY_RE } from '../../lib/values';
import { useScope } from '../../scope';

const NEW_RULE: Json = { ends_with: [{ var: 'email' }, '@example.com'] };

function SegmentForm({ project, segment, others, canEdit, onDone }: { project: string; segment: Segment | null; others: string[]; canEdit: boolean; onDone: () => void }) {
  const qc = useQueryClient();
  const [key, setKey] = useState(segment?.key ?? '');
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [rule, setRule] = useState<Json>((segment?.rule as Json | undefined) ?? NEW_RULE);
  const [ok, setOk] = useState(true);
  const [tried, setTried] = useState(false);
  const keyError = segment ? undefined : !KEY_RE.test(key) ? KEY_HINT : others.includes(key) ? 'A segment has this key already' : undefined;
  const save = useMutation({
    mutationFn: () =>
      segment
        ? updateSegment(project, segment.key, { name: name.trim() || segment.key, description, rule, version: segment.version })
        : createSegment(project, { key, name: name.trim() || undefined, description, rule }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: flagKeys.segments(project) });
      onDone();
    },
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!keyError && ok) save.mutate();
      }}
    >
      <Stack>
        {!segment && <TextInput label="Key" description="Referenced from targeting as {&quot;$ref&quot;: key}" value={key} onChange={(e) => setKey(e.currentTarget.value.trim())} error={(tried && keyError) || fieldError(save.error, 'key')} data-autofocus />}
        <TextInput label="Name" disabled={!canEdit} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(save.error, 'name')} />
        <Textarea label="Description" disabled={!canEdit} autosize minRows={1} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        <ConditionListEditor value={rule} onChange={setRule} segments={others} onValidity={setOk} readOnly={!canEdit} />
        <ApprovalRequiredAlert
          error={save.error}
          propose={() =>
            segment
              ? {
                  changes: [{ kind: 'segment', segment: segment.key, baseVersion: segment.version, name: name.trim() || segment.key, description, rule }],
                  title: `Change segment ${segment.key}`,
                }
              : null
          }
        />
        <Group justify="flex-end" display={canEdit ? undefined : 'none'}>
          <Button type="submit" loading={save.isPending} disabled={!ok}>
            {segment ? 'Save segment' : 'Create segment'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** A 409 on delete lists the flags that still use the segment. */
function UsedBy({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || error.status !== 409 || !Array.isArray(error.details)) return <ErrorAlert error={error} />;
  const users = error.details as { flag: string; environment: string }[];
  return (
    <Alert color="red" title="Still in use" role="alert">
      <Text size="sm">Remove the segment from these flags' targeting first:</Text>
      <List size="sm">
        {users.map((u, i) => (
          <List.Item key={i}>
            {u.flag} in {u.environment}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

export default function Segments() {
  const { project, role } = useScope();
  const segments = useSegments(project);
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);
  const canEdit = canEditFlags(role);
  const remove = useMutation({
    mutationFn: (s: Segment) => deleteSegment(project, s.key, s.version),
    onSettled: () => qc.invalidateQueries({ queryKey: flagKeys.segments(project) }),
  });
  const keys = (segments.data ?? []).map((s) => s.key);
  return (
    <Stack>
      <PageHeader
        title="Segments"
        description="Named groups of users, reused in any flag's targeting."
        actions={
          <Button onClick={() => setEditing('new')} disabled={!canEdit}>
            New segment
          </Button>
        }
      />
      {!canEdit && <ReadOnlyNotice role={role} need="editor" />}
      <ErrorAlert error={segments.error} />
      {remove.error ? <UsedBy error={remove.error} /> : null}
      {segments.data?.length === 0 && <Text c="dimmed">No segments yet.</Text>}
      {!!segments.data?.length && (
        <Table.ScrollContainer minWidth={600}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Segment</Table.Th>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Changed</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {segments.data.map((s) => (
                <Table.Tr key={s.key}>
                  <Table.Td>
                    <Text fw={600}>{s.name}</Text>
                    <Text size="xs" c="dimmed">
                      <code>{s.key}</code> {s.description}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={360}>
                    <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(s.rule)}</Code>
                  </Table.Td>
                  <Table.Td>{ago(s.updatedAt)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="xs" variant="subtle" onClick={() => setEditing(s)}>
                        {canEdit ? 'Edit' : 'View'}
                      </Button>
                      {canEdit && (
                        <ConfirmButton size="xs" variant="subtle" color="red" confirm={`Delete segment ${s.key}?`} confirmLabel="Delete" onConfirm={() => remove.mutate(s)}>
                          Delete
                        </ConfirmButton>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? 'New segment' : `Segment ${editing?.key ?? ''}`} size="xl">
        {editing !== null && (
          <SegmentForm
            project={project}
            segment={editing === 'new' ? null : editing}
            others={keys.filter((k) => editing === 'new' || k !== editing.key)}
            canEdit={canEdit}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}
