/** Name, description, tags; archive and delete. */
import { Alert, Button, Checkbox, Group, Stack, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { deleteFlag, flagKeys, updateFlag } from '../../api/flags';
import type { Environment, Flag } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { KEY_RE } from '../../lib/values';
import { ArchiveFlag } from '../safety/ArchiveFlag';
import { TypedConfirm } from '../safety/TypedConfirm';
import { flagChange, proposalTitle } from '../../lib/requests/proposal';
import { ApprovalRequiredAlert } from '../requests/ApprovalRequiredAlert';
import type { FlagChange } from '../../api/types';

/** The editable details of a flag (the API sends every field; the document marks defaults optional). */
const details = (f: Flag) => ({ name: f.name, description: f.description ?? '', tags: f.tags ?? [] });

/** A change to the flag's definition as a proposal (where a direct change needs approval). */
const proposing = (flag: Flag, fields: Omit<FlagChange, 'kind' | 'flag' | 'baseVersion'>) => () => {
  const changes = [flagChange(flag, fields)];
  return { changes, title: proposalTitle(changes, () => '') };
};

export function SettingsTab({ project, flag, environments, canEdit, listPath }: { project: string; flag: Flag; environments: Environment[]; canEdit: boolean; listPath: string }) {
  const qc = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  const navigate = useNavigate();
  const form = useForm({
    initialValues: details(flag),
    validate: {
      name: (v) => (v.trim() ? null : 'Give the flag a name'),
      description: (v) => (v.length <= 2000 ? null : 'At most 2000 characters'),
      tags: (v) => (v.length > 20 ? 'At most 20 tags' : v.find((t) => !KEY_RE.test(t)) ? 'Tags use letters, digits, ".", "_" or "-"' : null),
    },
  });
  // Follow the server while untouched.
  useEffect(() => {
    if (!form.isDirty()) form.setValues(details(flag));
  }, [flag.version]);
  const done = (f: Flag) => {
    qc.setQueryData(flagKeys.flag(project, flag.key), f);
    void qc.invalidateQueries({ queryKey: flagKeys.list(project) });
  };
  const save = useMutation({
    mutationFn: (v: { name: string; description: string; tags: string[] }) => updateFlag(project, flag.key, { ...v, version: flag.version }),
    onSuccess: (f) => {
      done(f);
      form.resetDirty(details(f));
    },
  });
  const visibility = useMutation({ mutationFn: (clientVisible: boolean) => updateFlag(project, flag.key, { clientVisible, version: flag.version }), onSuccess: done });
  const remove = useMutation({
    mutationFn: () => deleteFlag(project, flag.key, flag.version),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: flagKeys.list(project) });
      navigate(listPath);
    },
    onError: () => setDeleting(false),
  });
  return (
    <Stack maw={640}>
      <form noValidate onSubmit={form.onSubmit((v) => save.mutate({ name: v.name.trim(), description: v.description, tags: v.tags }))}>
        <Stack>
          <TextInput label="Name" disabled={!canEdit} {...form.getInputProps('name')} error={form.errors.name ?? fieldError(save.error, 'name')} />
          <Textarea label="Description" autosize minRows={2} disabled={!canEdit} {...form.getInputProps('description')} />
          <TagsInput label="Tags" description="Press Enter after each tag" disabled={!canEdit} {...form.getInputProps('tags')} error={form.errors.tags ?? fieldError(save.error, 'tags')} />
          <ApprovalRequiredAlert error={save.error} propose={save.variables && proposing(flag, save.variables)} />
          {canEdit && (
            <Button type="submit" w="fit-content" disabled={!form.isDirty()} loading={save.isPending}>
              Save details
            </Button>
          )}
        </Stack>
      </form>
      <Stack gap="xs">
        <Checkbox
          label="Visible to client keys"
          description="Browsers (client keys) see the flag's value; unchecked, only server keys see it, and clients lose it at once"
          checked={flag.clientVisible ?? true}
          disabled={!canEdit || visibility.isPending}
          onChange={(e) => visibility.mutate(e.currentTarget.checked)}
        />
        <ApprovalRequiredAlert error={visibility.error} propose={visibility.variables !== undefined ? proposing(flag, { clientVisible: visibility.variables }) : undefined} />
      </Stack>
      {canEdit && (
        <Alert color="gray" title="Archive or delete">
          <Stack gap="xs">
            <Group align="flex-start">
              <ArchiveFlag project={project} flag={flag} environments={environments} onChanged={done} />
              <Button color="red" variant="light" onClick={() => setDeleting(true)} loading={remove.isPending}>
                Delete flag
              </Button>
            </Group>
            <ApprovalRequiredAlert error={remove.error} />
            <TypedConfirm
              opened={deleting}
              onClose={() => setDeleting(false)}
              title={`Delete ${flag.key}?`}
              phrase={flag.key}
              confirmLabel="Delete flag"
              onConfirm={() => remove.mutate()}
              loading={remove.isPending}
            >
              <Text size="sm">
                {flag.key} goes from every environment, with its states. Every SDK gets <code>FLAG_NOT_FOUND</code> for it and code falls back to its
                default. This cannot be undone.
              </Text>
            </TypedConfirm>
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
