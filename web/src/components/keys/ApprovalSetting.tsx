/**
 * An environment's approval policy: whether changes there need approval, how many approvals, from
 * which role, and whether owners may bypass them. Admins save it; everyone else sees it.
 */
import { Button, Checkbox, Group, NumberInput, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { projectKeys, updateEnvironment } from '../../api/projects';
import type { ApprovalPolicy, ApproverRole, Environment } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { policyText } from '../../lib/requests/status';
import { ErrorAlert } from '../ErrorAlert';

interface Draft {
  on: boolean;
  approvals: number;
  minRole: ApproverRole;
  ownerBypass: boolean;
}

const draftOf = (p: ApprovalPolicy | null | undefined): Draft =>
  p ? { on: true, approvals: p.approvals, minRole: p.minRole, ownerBypass: !!p.ownerBypass } : { on: false, approvals: 1, minRole: 'editor', ownerBypass: false };

const policyOf = (d: Draft): ApprovalPolicy | null => (d.on ? { approvals: d.approvals, minRole: d.minRole, ownerBypass: d.ownerBypass } : null);

const ROLES = [
  { value: 'editor', label: 'editor (or stronger)' },
  { value: 'admin', label: 'admin (or owner)' },
  { value: 'owner', label: 'owner' },
];

export function ApprovalSetting({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const qc = useQueryClient();
  const saved = draftOf(env.approval);
  const [draft, setDraft] = useState<Draft>(saved);
  const dirty = JSON.stringify(policyOf(draft)) !== JSON.stringify(policyOf(saved));
  // Another admin's change replaces an untouched form.
  const savedKey = JSON.stringify(env.approval ?? null);
  useEffect(() => {
    if (!dirty) setDraft(draftOf(env.approval));
  }, [savedKey]);
  const m = useMutation({
    mutationFn: () => updateEnvironment(project, env.id, { approval: policyOf(draft) }),
    onSuccess: (e) => {
      setDraft(draftOf(e.approval));
      void qc.invalidateQueries({ queryKey: projectKeys.environments(project) });
    },
  });
  const set = (p: Partial<Draft>) => setDraft({ ...draft, ...p });
  const off = !canManage || !draft.on;
  return (
    <Stack gap="xs" component="section" aria-label={`Approvals in ${env.name}`}>
      <Title order={3} size="h6">
        Approvals
      </Title>
      <Switch
        label={`Require approval for changes in ${env.name}`}
        description="Changes are then proposed as change requests and applied once others approve them"
        checked={draft.on}
        disabled={!canManage}
        onChange={(e) => set({ on: e.currentTarget.checked })}
      />
      <Group align="flex-start" wrap="wrap">
        <NumberInput
          label="Approvals needed"
          w={170}
          min={1}
          max={10}
          allowDecimal={false}
          clampBehavior="strict"
          value={draft.approvals}
          disabled={off}
          error={fieldError(m.error, 'approval/approvals')}
          onChange={(v) => set({ approvals: typeof v === 'number' ? v : 1 })}
        />
        <Select
          label="From members who are at least"
          w={260}
          data={ROLES}
          value={draft.minRole}
          allowDeselect={false}
          disabled={off}
          error={fieldError(m.error, 'approval/minRole')}
          onChange={(v) => v && set({ minRole: v as ApproverRole })}
        />
      </Group>
      <Checkbox
        label="Owners may apply a change without its approvals, giving a reason"
        description="The reason is recorded with the change"
        checked={draft.ownerBypass}
        disabled={off}
        onChange={(e) => set({ ownerBypass: e.currentTarget.checked })}
      />
      <Text size="sm" c="dimmed" data-testid="approval-summary">
        {env.approval ? `${policyText(env.approval)}, never from the author.` : `Changes in ${env.name} apply directly.`}
      </Text>
      {canManage && (
        <Button size="xs" w="fit-content" variant="light" disabled={!dirty} loading={m.isPending} onClick={() => m.mutate()}>
          Save approvals
        </Button>
      )}
      <ErrorAlert error={m.error} />
    </Stack>
  );
}
