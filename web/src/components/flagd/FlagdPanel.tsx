/** An environment as a flagd file: download it, or import one with a preview of its changes. */
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { exportFlagd } from '../../api/projects';
import type { Environment } from '../../api/types';
import { ErrorAlert } from '../ErrorAlert';
import { ImportFlagd } from './ImportFlagd';

/** Saves a JSON value as a file the browser downloads. */
export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `Checkout service` + `production` → `checkout-service-production.flagd.json`. */
export const flagdFileName = (projectName: string, envKey: string) =>
  `${`${projectName}-${envKey}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'flags'}.flagd.json`;

export function FlagdPanel({ project, projectName, env, canEdit }: { project: string; projectName: string; env: Environment; canEdit: boolean }) {
  const [open, setOpen] = useState(false);
  const exp = useMutation({
    mutationFn: () => exportFlagd(project, env.id),
    onSuccess: (doc) => downloadJson(flagdFileName(projectName, env.key), doc),
  });
  return (
    <Stack gap="xs">
      <Title order={4} size="h6">
        flagd file
      </Title>
      <Text size="xs" c="dimmed">
        {env.name} as a flagd flag document: for flagd, another OpenFeature provider, a backup or another environment.
      </Text>
      <Group gap="xs">
        <Button size="xs" variant="light" loading={exp.isPending} onClick={() => exp.mutate()}>
          Export flagd JSON
        </Button>
        <Button size="xs" variant="light" disabled={!canEdit} title={canEdit ? undefined : 'Importing needs the editor role'} onClick={() => setOpen(true)}>
          Import flagd JSON…
        </Button>
      </Group>
      <ErrorAlert error={exp.error} title="The export failed" />
      <ImportFlagd project={project} env={env} opened={open} onClose={() => setOpen(false)} />
    </Stack>
  );
}
