/**
 * The organization's settings: its name (owners and admins rename it), whether owners and admins
 * must use two-factor sign-in (owners decide), and its id.
 */
import { Button, Code, CopyButton, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useMe } from '../../api/auth';
import { renameOrg } from '../../api/orgs';
import type { Organization } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { fieldError } from '../../lib/errors';
import { dateTime } from '../../lib/format';
import { canManageMembers } from '../../lib/roles';
import { RequireTwoFactor } from './RequireTwoFactor';
import { SsoSection } from '../../components/sso/SsoSection';

/** A name the API accepts: 1–200 characters, not blank. */
const nameProblem = (name: string) => (!name.trim() ? 'Enter a name' : name.trim().length > 200 ? 'Use at most 200 characters' : undefined);

function RenameOrg({ org, canManage }: { org: Organization; canManage: boolean }) {
  const qc = useQueryClient();
  const [name, setName] = useState(org.name);
  const problem = nameProblem(name);
  const unchanged = name.trim() === org.name;
  const m = useMutation({
    mutationFn: () => renameOrg(org.id, name.trim()),
    onSuccess: async (saved) => {
      await qc.invalidateQueries({ queryKey: ['me'] });
      notifications.show({ message: `Renamed the organization to ${saved.name}`, color: 'green' });
    },
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && !unchanged) m.mutate();
      }}
    >
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <TextInput
            label="Organization name"
            description="Shown to every member, in the organization picker and in invitations."
            value={name}
            disabled={!canManage}
            onChange={(e) => setName(e.currentTarget.value)}
            error={(name !== org.name && problem) || fieldError(m.error, 'name')}
            w={360}
            maw="100%"
          />
          {canManage && (
            <Button type="submit" disabled={!!problem || unchanged} loading={m.isPending}>
              Save name
            </Button>
          )}
        </Group>
        <ErrorAlert error={m.error} />
      </Stack>
    </form>
  );
}

export default function Settings() {
  const { org = '' } = useParams();
  const me = useMe();
  const membership = me.data?.memberships.find((m) => m.organization.id === org);
  const role = membership?.role;
  const canManage = canManageMembers(role);
  const o = membership?.organization;
  return (
    <Stack>
      <PageHeader title="Organization settings" description="The organization's name, its sign-in rule and its id." />
      {!canManage && <ReadOnlyNotice role={role} need="admin" />}
      <ErrorAlert error={me.error} />
      {me.data && !o && <Text>You are not a member of this organization.</Text>}
      {o && (
        <Paper withBorder p="md">
          <Stack>
            <Title order={3} size="h5">
              Name
            </Title>
            <RenameOrg key={o.name} org={o} canManage={canManage} />
            <Title order={3} size="h5">
              Sign-in
            </Title>
            <RequireTwoFactor org={o} role={role} twoFactor={!!me.data?.user?.twoFactor} />
            {canManage && (
              <>
                <Title order={3} size="h5">
                  Single sign-on
                </Title>
                <SsoSection org={o.id} isOwner={role === 'owner'} />
              </>
            )}
            <Title order={3} size="h5">
              Details
            </Title>
            <Group gap="xs">
              <Text size="sm">Organization id:</Text>
              <Code data-testid="org-id">{o.id}</Code>
              <CopyButton value={o.id}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="subtle" onClick={copy}>
                    {copied ? 'Copied' : 'Copy id'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="sm" c="dimmed">
              Created {dateTime(o.createdAt)}. API tokens and the API use this id.
            </Text>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
