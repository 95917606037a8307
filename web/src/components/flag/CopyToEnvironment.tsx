/** Copy this environment's configuration of the flag to another environment. */
import { Group, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, seg } from '../../api/client';
import { copyFlagState } from '../../api/flags';
import type { Environment, FlagState, Json } from '../../api/types';
import { ConfirmButton } from '../ConfirmButton';
import { stateChange } from '../../lib/requests/proposal';
import { ApprovalRequiredAlert } from '../requests/ApprovalRequiredAlert';

export function CopyToEnvironment({ project, env, environments, flagKey, dirty }: { project: string; env: Environment; environments: Environment[]; flagKey: string; dirty?: boolean }) {
  const [to, setTo] = useState<string | null>(null);
  const qc = useQueryClient();
  const target = environments.find((e) => e.id === to);
  const statePath = (e: string) => `/api/v1/projects/${seg(project)}/environments/${seg(e)}/flags/${seg(flagKey)}`;
  // What the last copy read: the saved source and the target's version (for a proposal instead).
  const read = useRef<{ to: string; source: FlagState; target: FlagState } | null>(null);
  const copy = useMutation({
    mutationFn: async () => {
      // The target's version as it is now: the copy replaces exactly what was there.
      const [source, current] = await Promise.all([api.get<FlagState>(statePath(env.id)), api.get<FlagState>(statePath(to!))]);
      read.current = { to: to!, source, target: current };
      return copyFlagState(project, env.id, flagKey, to!, current.version);
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['projects', project] });
      notifications.show({ message: `Copied ${flagKey} from ${env.name} to ${target?.name}`, color: 'green' });
    },
  });
  const others = environments.filter((e) => e.id !== env.id);
  if (others.length === 0) return null;
  return (
    <>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Select
          label={`Copy the saved ${env.name} configuration to`}
          w={240}
          data={others.map((e) => ({ value: e.id, label: e.name }))}
          value={to}
          onChange={setTo}
          placeholder="Choose an environment"
        />
        <ConfirmButton
          variant="default"
          disabled={!to}
          loading={copy.isPending}
          confirm={`Replace ${flagKey}'s on/off state, default variant and targeting in ${target?.name} with those saved in ${env.name}?`}
          confirmLabel="Copy"
          onConfirm={() => copy.mutate()}
        >
          Copy
        </ConfirmButton>
        {dirty && (
          <Text size="xs" c="dimmed">
            Unsaved changes are not copied.
          </Text>
        )}
      </Group>
      <ApprovalRequiredAlert
        error={copy.error}
        propose={() => {
          const r = read.current;
          if (!r) return null;
          const s = r.source;
          const name = environments.find((e) => e.id === r.to)?.name ?? r.to;
          const edit = { enabled: s.enabled, defaultVariant: s.defaultVariant ?? null, targeting: (s.targeting ?? null) as Json | null };
          return { changes: [stateChange(r.to, flagKey, r.target.version, edit)], title: `Copy ${flagKey} from ${env.name} to ${name}` };
        }}
      />
    </>
  );
}
