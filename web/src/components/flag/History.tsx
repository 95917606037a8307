/** The flag's audit trail, with diffs; a state in this environment can be restored. */
import { Button, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useAudit } from '../../api/audit';
import { flagKeys, restoreFlagState } from '../../api/flags';
import { useMembers } from '../../api/orgs';
import type { Environment, FlagState, Json } from '../../api/types';
import { AuditList } from '../AuditList';
import { ConfirmButton } from '../ConfirmButton';
import { ErrorAlert } from '../ErrorAlert';
import { stateChange } from '../../lib/requests/proposal';
import { ApprovalRequiredAlert } from '../requests/ApprovalRequiredAlert';

interface Props {
  org: string;
  project: string;
  env: Environment;
  environments: Environment[];
  flagKey: string;
  state: FlagState | undefined;
  canEdit: boolean;
}

export function History({ org, project, env, environments, flagKey, state, canEdit }: Props) {
  const audit = useAudit(org, { project, key: flagKey }, { interval: 3000 });
  const members = useMembers(org);
  const qc = useQueryClient();
  const restore = useMutation({
    mutationFn: (auditId: string) => restoreFlagState(project, env.id, flagKey, auditId, state!.version),
    onSuccess: (s) => {
      qc.setQueryData(flagKeys.state(project, env.id, flagKey), s);
      void qc.invalidateQueries({ queryKey: ['orgs', org, 'audit'] });
    },
  });
  const entries = audit.entries.filter((e) => !e.environmentId || e.environmentId === env.id || environments.some((x) => x.id === e.environmentId));
  const envName = (id: string) => environments.find((e) => e.id === id)?.name;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Changes to this flag in every environment. A state saved in {env.name} can be restored (it becomes a new version).
      </Text>
      <ErrorAlert error={audit.error} />
      <ApprovalRequiredAlert
        error={restore.error}
        propose={() => {
          // The state after the chosen change, made on the current version.
          const after = audit.entries.find((e) => e.id === restore.variables)?.after as
            | { enabled?: boolean; defaultVariant?: string | null; targeting?: Json | null }
            | null
            | undefined;
          if (!after || !state || typeof after.enabled !== 'boolean') return null;
          const edit = { enabled: after.enabled, defaultVariant: after.defaultVariant ?? null, targeting: after.targeting ?? null };
          return { changes: [stateChange(env.id, flagKey, state.version, edit)], title: `Restore ${flagKey} in ${env.name} to an earlier version` };
        }}
      />
      {audit.loaded && (
        <AuditList
          entries={entries}
          members={members.data}
          envName={envName}
          action={(e) =>
            canEdit && e.action.startsWith('flag_state.') && e.environmentId === env.id && e.after && state ? (
              <ConfirmButton
                size="xs"
                variant="light"
                confirm={`Make the state after this change the current state of ${flagKey} in ${env.name}?`}
                confirmLabel="Restore"
                loading={restore.isPending}
                onConfirm={() => restore.mutate(e.id)}
              >
                Restore this version in {env.name}
              </ConfirmButton>
            ) : null
          }
        />
      )}
      {audit.hasMore && (
        <Button variant="default" onClick={audit.loadMore} loading={audit.loadingMore} w="fit-content">
          Load older changes
        </Button>
      )}
    </Stack>
  );
}
