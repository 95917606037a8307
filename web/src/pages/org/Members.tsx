import { Badge, Button, Code, CopyButton, Group, Paper, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useMe } from '../../api/auth';
import { invite, orgKeys, type PendingInvitation, removeMember, revokeInvitation, setRole, useMembers, usePendingInvitations } from '../../api/orgs';
import { type Invitation, type Member, type Role, ROLES } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { describeError, fieldError } from '../../lib/errors';
import { actorName, dateTime } from '../../lib/format';
import { canManageMembers } from '../../lib/roles';
import { useRole } from '../../scope';

function InviteForm({ org, myRole }: { org: string; myRole: Role | undefined }) {
  const qc = useQueryClient();
  const [sent, setSent] = useState<Invitation | null>(null);
  const form = useForm<{ email: string; role: Role }>({
    initialValues: { email: '', role: 'editor' },
    validate: { email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address') },
  });
  const m = useMutation({
    mutationFn: (v: { email: string; role: Role }) => invite(org, v),
    onSuccess: (inv) => {
      setSent(inv);
      form.reset();
      void qc.invalidateQueries({ queryKey: orgKeys.members(org) });
      void qc.invalidateQueries({ queryKey: orgKeys.invitations(org) });
    },
  });
  const roles = ROLES.filter((r) => r !== 'owner' || myRole === 'owner');
  const link = sent ? `${window.location.origin}/invitations/accept?token=${encodeURIComponent(sent.token)}` : '';
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h5" mb="sm">
        Invite someone
      </Title>
      <form noValidate onSubmit={form.onSubmit((v) => m.mutate({ email: v.email.trim(), role: v.role }))}>
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Email" type="email" w={260} {...form.getInputProps('email')} error={form.errors.email ?? fieldError(m.error, 'email')} />
          <Select label="Role" w={140} data={roles} allowDeselect={false} {...form.getInputProps('role')} />
          <Button type="submit" loading={m.isPending}>
            Invite
          </Button>
        </Group>
      </form>
      <Stack mt="sm">
        <ErrorAlert error={m.error} />
        {sent && (
          <Stack gap={4} data-testid="invitation">
            <Text size="sm">
              Invitation for <b>{sent.email}</b> as {sent.role}. Send them this link (shown once; it expires in 7 days). Opening it,
              they create an account with that email and join this organization at once, or sign in if they have one:
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ wordBreak: 'break-all' }} data-testid="invitation-link">
                {link}
              </Code>
              <CopyButton value={link}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="xs" c="dimmed">
              Invitation code: <span data-testid="invitation-token">{sent.token}</span>
            </Text>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

const an = (role: Role) => (role === 'viewer' ? 'a' : 'an');

/** Invitations sent and not yet accepted: who, as what, from whom, until when; admins revoke them. */
function PendingInvitations({ org, members }: { org: string; members: Member[] | undefined }) {
  const qc = useQueryClient();
  const list = usePendingInvitations(org, true);
  const revoke = useMutation({
    mutationFn: (inv: PendingInvitation) => revokeInvitation(org, inv.id),
    onSuccess: (_, inv) => notifications.show({ message: `Revoked the invitation for ${inv.email}`, color: 'green' }),
    onSettled: () => qc.invalidateQueries({ queryKey: orgKeys.invitations(org) }),
  });
  const now = Date.now();
  return (
    <Paper withBorder p="md" data-testid="pending-invitations">
      <Title order={3} size="h5" mb="sm">
        Pending invitations
      </Title>
      <ErrorAlert error={list.error ?? revoke.error} />
      {list.data?.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="no-invitations">
          No pending invitations. Invite someone above: the invitation waits here until they accept it or it expires.
        </Text>
      )}
      {!!list.data?.length && (
        <Table.ScrollContainer minWidth={560}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Invited by</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((inv) => (
              <Table.Tr key={inv.id} data-testid={`invitation-${inv.email}`}>
                <Table.Td>{inv.email}</Table.Td>
                <Table.Td>{inv.role}</Table.Td>
                <Table.Td>{inv.invitedByName ?? actorName(`user:${inv.invitedBy}`, members)}</Table.Td>
                <Table.Td>
                  {inv.expiresAt <= now ? (
                    <Badge color="gray" title={dateTime(inv.expiresAt)}>
                      expired
                    </Badge>
                  ) : (
                    dateTime(inv.expiresAt)
                  )}
                </Table.Td>
                <Table.Td>
                  <ConfirmButton
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Revoke the invitation for ${inv.email}`}
                    confirm={`Revoke the invitation for ${inv.email}? Its link stops working.`}
                    confirmLabel="Revoke"
                    loading={revoke.isPending && revoke.variables?.id === inv.id}
                    onConfirm={() => revoke.mutate(inv)}
                  >
                    Revoke
                  </ConfirmButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

export default function Members() {
  const { org = '' } = useParams();
  const role = useRole(org);
  const me = useMe();
  const members = useMembers(org);
  const qc = useQueryClient();
  const manage = canManageMembers(role);
  const refresh = () => qc.invalidateQueries({ queryKey: orgKeys.members(org) });
  const change = useMutation({
    mutationFn: (v: { member: Member; role: Role }) => setRole(org, v.member.userId, v.role),
    onSuccess: (_, v) => notifications.show({ message: `${v.member.name || v.member.email} is now ${an(v.role)} ${v.role}`, color: 'green' }),
    onError: (e, v) =>
      notifications.show({ title: `${v.member.name || v.member.email} is still ${an(v.member.role)} ${v.member.role}`, message: describeError(e).message, color: 'red' }),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: (user: string) => removeMember(org, user), onSettled: refresh });
  return (
    <Stack>
      <PageHeader title="Members" description="Viewers can look; editors change flags and segments; admins manage projects, keys and members; owners manage owners." />
      {!manage && <ReadOnlyNotice role={role} need="admin" />}
      {manage && <InviteForm org={org} myRole={role} />}
      <ErrorAlert error={members.error ?? change.error ?? remove.error} />
      <Table.ScrollContainer minWidth={520}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.data?.map((m) => {
            const self = m.userId === me.data?.user?.id;
            const mayTouch = manage && (role === 'owner' || m.role !== 'owner');
            return (
              <Table.Tr key={m.userId}>
                <Table.Td>
                  {m.name} {self && <Text span size="xs" c="dimmed">(you)</Text>}
                </Table.Td>
                <Table.Td>{m.email}</Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Role of ${m.email}`}
                    size="xs"
                    w={120}
                    data={ROLES.filter((r) => r !== 'owner' || role === 'owner' || m.role === 'owner')}
                    value={change.isPending && change.variables?.member.userId === m.userId ? change.variables.role : m.role}
                    disabled={!mayTouch}
                    allowDeselect={false}
                    onChange={(v) => v && v !== m.role && change.mutate({ member: m, role: v as Role })}
                  />
                </Table.Td>
                <Table.Td>
                  {(mayTouch || self) && (
                    <ConfirmButton
                      size="xs"
                      variant="subtle"
                      color="red"
                      confirm={self ? 'Leave this organization?' : `Remove ${m.email} from this organization?`}
                      confirmLabel={self ? 'Leave' : 'Remove'}
                      onConfirm={() => remove.mutate(m.userId)}
                    >
                      {self ? 'Leave' : 'Remove'}
                    </ConfirmButton>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      </Table.ScrollContainer>
      {manage && <PendingInvitations org={org} members={members.data} />}
    </Stack>
  );
}
