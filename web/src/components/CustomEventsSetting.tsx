/** An environment's custom-events setting: SDKs' `track` events are counted only where it is on. */
import { Checkbox, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { projectKeys, updateEnvironment } from '../api/projects';
import type { Environment } from '../api/types';
import { ErrorAlert } from './ErrorAlert';

export function CustomEventsSetting({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (on: boolean) => updateEnvironment(project, env.id, { customEvents: on }),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.environments(project) }),
  });
  const on = m.isPending ? !!m.variables : m.isSuccess ? !!m.data.customEvents : !!env.customEvents;
  return (
    <Stack gap="xs">
      <Checkbox
        label={`Count custom events in ${env.name}`}
        description="SDKs' track() events appear in Analytics (at most 50 event names an hour). Evaluation counts are always kept."
        checked={on}
        disabled={!canManage || m.isPending}
        onChange={(e) => m.mutate(e.currentTarget.checked)}
      />
      <ErrorAlert error={m.error} />
    </Stack>
  );
}
