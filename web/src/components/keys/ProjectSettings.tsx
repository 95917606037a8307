/** The project's settings: whether new flags are visible to client keys by default. */
import { Stack, Switch } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { projectKeys, updateProject, useProject } from '../../api/projects';
import { ErrorAlert } from '../ErrorAlert';

export function ProjectSettings({ project, canManage }: { project: string; canManage: boolean }) {
  const qc = useQueryClient();
  const p = useProject(project);
  const m = useMutation({
    mutationFn: (clientVisibleByDefault: boolean) => updateProject(project, { clientVisibleByDefault }),
    onSuccess: (saved) => qc.setQueryData(projectKeys.project(project), saved),
  });
  return (
    <Stack gap="xs">
      <Switch
        label="New flags are visible to client keys"
        description="Browsers (client keys) see only flags visible to them; server keys see all. Each flag can change it."
        checked={p.data?.clientVisibleByDefault ?? true}
        disabled={!canManage || !p.data || m.isPending}
        onChange={(e) => m.mutate(e.currentTarget.checked)}
      />
      <ErrorAlert error={m.error ?? p.error} />
    </Stack>
  );
}
