/** One environment's name, whether it is critical, and deleting it (typed confirmation). */
import { Badge, Button, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { deleteEnvironment, projectKeys, updateEnvironment, useSdkKeys } from '../../api/projects';
import { isCritical } from '../../lib/critical';
import type { Environment } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { envPath } from '../../scope';
import { ErrorAlert } from '../ErrorAlert';
import { plural, useFlagsWhile } from './counts';
import { TypeToConfirm } from './TypeToConfirm';
import { works } from './KeysPanel';

/** A name the API accepts: 1–200 characters, not blank. */
export const nameProblem = (name: string) => (!name.trim() ? 'Enter a name' : name.trim().length > 200 ? 'Use at most 200 characters' : undefined);

function Rename({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const qc = useQueryClient();
  const [name, setName] = useState(env.name);
  const problem = nameProblem(name);
  const m = useMutation({
    mutationFn: () => updateEnvironment(project, env.id, { name: name.trim() }),
    onSuccess: (saved) => {
      notifications.show({ message: `Renamed ${env.key} to ${saved.name}`, color: 'green' });
      void qc.invalidateQueries({ queryKey: projectKeys.environments(project) });
    },
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && name.trim() !== env.name) m.mutate();
      }}
    >
      <Group align="flex-end" gap="xs">
        <TextInput
          label="Display name"
          description={`Its key, ${env.key}, stays: SDKs and URLs use the key.`}
          value={name}
          disabled={!canManage}
          onChange={(e) => setName(e.currentTarget.value)}
          error={(name !== env.name && problem) || fieldError(m.error, 'name')}
          w={320}
        />
        {canManage && (
          <Button type="submit" variant="light" disabled={!!problem || name.trim() === env.name} loading={m.isPending}>
            Rename
          </Button>
        )}
      </Group>
      <ErrorAlert error={m.error} />
    </form>
  );
}

function Critical({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (critical: boolean) => updateEnvironment(project, env.id, { critical }),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.environments(project) }),
  });
  const on = m.isPending ? !!m.variables : isCritical(env);
  return (
    <Stack gap={4}>
      <Switch
        label={
          <Group gap={6}>
            Critical environment {on && <Badge color="orange" size="sm">critical</Badge>}
          </Group>
        }
        description="Shown in orange everywhere, and turning its flags on or off asks for confirmation first. Mark production this way."
        checked={on}
        color="orange"
        disabled={!canManage || m.isPending}
        onChange={(e) => m.mutate(e.currentTarget.checked)}
      />
      <ErrorAlert error={m.error} />
    </Stack>
  );
}

function Delete({ org, project, env, environments }: { org: string; project: string; env: Environment; environments: Environment[] }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const flags = useFlagsWhile(project, open);
  const keys = useSdkKeys(project, env.id);
  const others = environments.filter((e) => e.id !== env.id);
  const liveKeys = (keys.data ?? []).filter((k) => works(k, Date.now())).length;
  const m = useMutation({
    mutationFn: () => deleteEnvironment(project, env.id),
    onSuccess: async () => {
      setOpen(false);
      notifications.show({ message: `Deleted the environment ${env.name}`, color: 'green' });
      await qc.invalidateQueries({ queryKey: projectKeys.environments(project) });
      if (others[0]) navigate(`${envPath(org, project, others[0].key)}/environments`, { replace: true });
    },
  });
  if (others.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {env.name} is this project's only environment: a project keeps at least one (delete the project instead).
      </Text>
    );
  }
  return (
    <>
      <Button color="red" variant="outline" size="xs" w="fit-content" onClick={() => setOpen(true)}>
        Delete environment…
      </Button>
      <TypeToConfirm
        opened={open}
        onClose={() => setOpen(false)}
        title={`Delete the environment ${env.name}?`}
        expected={env.key}
        what="the environment's key"
        confirmLabel="Delete environment"
        onConfirm={() => m.mutate()}
        loading={m.isPending}
        error={m.error}
      >
        <Text size="sm">Deleting {env.name} removes, for good:</Text>
        <Text size="sm">
          • the state of {flags.data ? `each of the project's ${plural(flags.data.length, 'flag')}` : "each of the project's flags"} in {env.name} (the
          flags stay in {others.map((e) => e.name).join(', ')});
        </Text>
        <Text size="sm">
          • its {keys.data ? plural(liveKeys, 'SDK key') : 'SDK keys'}: they stop working at once, and every app using them is refused;
        </Text>
        <Text size="sm">• its settings: allowed origins, secure mode, custom events, approvals.</Text>
      </TypeToConfirm>
    </>
  );
}

export function EnvironmentSettings({ org, project, env, environments, canManage }: { org: string; project: string; env: Environment; environments: Environment[]; canManage: boolean }) {
  return (
    <Stack gap="sm">
      <Rename key={`${env.id}-${env.name}`} project={project} env={env} canManage={canManage} />
      <Critical project={project} env={env} canManage={canManage} />
      {canManage && <Delete org={org} project={project} env={env} environments={environments} />}
    </Stack>
  );
}
