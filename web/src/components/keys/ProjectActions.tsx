/** Renaming a project, and deleting it with everything in it (typed confirmation naming what goes). */
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { deleteProject, projectKeys, updateProject, useEnvironments } from '../../api/projects';
import type { Project } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { forgetPlace } from '../../scope';
import { ErrorAlert } from '../ErrorAlert';
import { plural, useFlagsWhile } from './counts';
import { nameProblem } from './EnvironmentSettings';
import { TypeToConfirm } from './TypeToConfirm';

export function RenameProject({ project, onDone }: { project: Project; onDone?: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(project.name);
  const problem = nameProblem(name);
  const m = useMutation({
    mutationFn: () => updateProject(project.id, { name: name.trim() }),
    onSuccess: (saved) => {
      qc.setQueryData(projectKeys.project(project.id), saved);
      void qc.invalidateQueries({ queryKey: projectKeys.list(project.orgId) });
      notifications.show({ message: `Renamed the project to ${saved.name}`, color: 'green' });
      onDone?.();
    },
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && name.trim() !== project.name) m.mutate();
      }}
    >
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <TextInput label="Project name" data-autofocus value={name} onChange={(e) => setName(e.currentTarget.value)} error={(name !== project.name && problem) || fieldError(m.error, 'name')} w={320} />
          <Button type="submit" variant="light" disabled={!!problem || name.trim() === project.name} loading={m.isPending}>
            Rename project
          </Button>
        </Group>
        <ErrorAlert error={m.error} />
      </Stack>
    </form>
  );
}

/** The dialog that deletes a project once its name is typed; `onDeleted` runs after. */
export function DeleteProject({ project, opened, onClose, onDeleted }: { project: Project; opened: boolean; onClose: () => void; onDeleted: () => void }) {
  const qc = useQueryClient();
  const envs = useEnvironments(opened ? project.id : undefined);
  const flags = useFlagsWhile(project.id, opened);
  const m = useMutation({
    mutationFn: () => deleteProject(project.id),
    onSuccess: async () => {
      forgetPlace(project.orgId, project.id);
      qc.removeQueries({ queryKey: ['projects', project.id] });
      await qc.invalidateQueries({ queryKey: projectKeys.list(project.orgId) });
      notifications.show({ message: `Deleted the project ${project.name}`, color: 'green' });
      onClose();
      onDeleted();
    },
  });
  const envNames = envs.data?.map((e) => e.name);
  return (
    <TypeToConfirm
      opened={opened}
      onClose={onClose}
      title={`Delete the project ${project.name}?`}
      expected={project.name}
      what="the project's name"
      confirmLabel="Delete project"
      onConfirm={() => m.mutate()}
      loading={m.isPending}
      error={m.error}
    >
      <Text size="sm">Deleting {project.name} removes, for good:</Text>
      <Text size="sm">
        • {envNames ? `its ${plural(envNames.length, 'environment')} (${envNames.join(', ')})` : 'its environments'}, with every SDK key in them: the keys stop
        working at once, and every app using them is refused;
      </Text>
      <Text size="sm">• {flags.data ? `its ${plural(flags.data.length, 'flag')}` : 'its flags'} and segments, with their states in every environment.</Text>
    </TypeToConfirm>
  );
}

/** The delete button with its dialog, for a project's settings. */
export function DeleteProjectButton({ project, onDeleted }: { project: Project; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button color="red" variant="outline" size="xs" w="fit-content" onClick={() => setOpen(true)}>
        Delete project…
      </Button>
      <DeleteProject project={project} opened={open} onClose={() => setOpen(false)} onDeleted={onDeleted} />
    </>
  );
}
