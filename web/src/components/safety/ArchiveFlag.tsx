/**
 * Archive / Unarchive of a flag's settings. Archiving asks first (the blast radius, the key
 * typed) and offers Undo after (an unarchive made on the new version); unarchiving is one click.
 * Where an environment requires approval, the refusal offers to propose the same change.
 */
import { Button, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { updateFlag } from '../../api/flags';
import type { Environment, Flag } from '../../api/types';
import { flagChange, proposalTitle } from '../../lib/requests/proposal';
import { ApprovalRequiredAlert } from '../requests/ApprovalRequiredAlert';
import { ArchiveFlagDialog } from './ArchiveFlagDialog';
import { notifyWithUndo } from './undo';

interface Props {
  project: string;
  flag: Flag;
  environments: Environment[];
  /** The flag as the API answered a change (to show it at once). */
  onChanged: (f: Flag) => void;
}

export function ArchiveFlag({ project, flag, environments, onChanged }: Props) {
  const [asking, setAsking] = useState(false);
  const set = useMutation({
    mutationFn: ({ archived, version }: { archived: boolean; version: number; undo?: boolean }) => updateFlag(project, flag.key, { archived, version }),
    onSuccess: (f, v) => {
      setAsking(false);
      onChanged(f);
      if (v.undo) notifications.show({ color: 'gray', message: `Undone: ${f.key} is back in every environment` });
      else if (f.archived) notifyWithUndo({ message: `Archived ${f.key}`, onUndo: () => set.mutate({ archived: false, version: f.version, undo: true }) });
    },
    onError: () => setAsking(false),
  });
  const refused = set.variables;
  return (
    <Stack gap="xs" align="flex-start">
      <Button
        variant="default"
        loading={set.isPending}
        onClick={() => (flag.archived ? set.mutate({ archived: false, version: flag.version }) : setAsking(true))}
      >
        {flag.archived ? 'Unarchive' : 'Archive'}
      </Button>
      {refused && (
        <ApprovalRequiredAlert
          error={set.error}
          propose={() => {
            const changes = [flagChange(flag, { archived: refused.archived })];
            return { changes, title: proposalTitle(changes, () => '') };
          }}
        />
      )}
      <ArchiveFlagDialog
        project={project}
        flag={flag.key}
        environments={environments}
        opened={asking}
        onClose={() => setAsking(false)}
        onConfirm={() => set.mutate({ archived: true, version: flag.version })}
        loading={set.isPending}
      />
    </Stack>
  );
}
