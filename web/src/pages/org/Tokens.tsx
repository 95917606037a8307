import { Badge, Button, Checkbox, Group, NumberInput, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { createToken, orgKeys, revokeToken, useMembers, useTokens } from '../../api/orgs';
import { type Scope, SCOPES } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { SecretOnce } from '../../components/SecretOnce';
import { actorName, dateTime } from '../../lib/format';
import { canManageMembers } from '../../lib/roles';
import { useRole } from '../../scope';

const scopeHelp: Record<Scope, string> = {
  read: 'read everything',
  'write-flags': 'change flags and segments',
  'write-projects': 'manage projects, environments and keys',
  propose: 'propose changes as change requests (never apply or review them)',
};

export default function Tokens() {
  const { org = '' } = useParams();
  const role = useRole(org);
  const manage = canManageMembers(role);
  const tokens = useTokens(org, manage);
  const members = useMembers(org);
  const qc = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const owner = role === 'owner';
  const form = useForm<{ name: string; scopes: Scope[]; expiresInDays: number | string; serviceAccount: string }>({
    initialValues: { name: '', scopes: ['read'], expiresInDays: 90, serviceAccount: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Name the token (what uses it?)'),
      scopes: (v) => (v.length ? null : 'Choose at least one scope'),
    },
  });
  const create = useMutation({
    mutationFn: (v: { name: string; scopes: Scope[]; expiresInDays?: number; serviceAccount?: string }) => createToken(org, v),
    onSuccess: (r) => {
      setSecret(r.secret);
      form.reset();
      void qc.invalidateQueries({ queryKey: orgKeys.tokens(org) });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => revokeToken(org, id),
    onSettled: () => qc.invalidateQueries({ queryKey: orgKeys.tokens(org) }),
  });

  return (
    <Stack>
      <PageHeader title="API tokens" description="Tokens let scripts and CI use the API for this organization." />
      {!manage && <ReadOnlyNotice role={role} need="admin" />}
      {manage && (
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="sm">
            New token
          </Title>
          <form
            noValidate
            onSubmit={form.onSubmit((v) =>
              create.mutate({
                name: v.name.trim(),
                scopes: v.scopes,
                expiresInDays: typeof v.expiresInDays === 'number' && v.expiresInDays > 0 ? v.expiresInDays : undefined,
                serviceAccount: owner && v.serviceAccount.trim() ? v.serviceAccount.trim() : undefined,
              }),
            )}
          >
            <Stack>
              <Group align="flex-start" wrap="wrap">
                <TextInput label="Name" w={260} {...form.getInputProps('name')} />
                <NumberInput label="Expires in (days)" description="1–3650; empty: 90" w={160} min={1} max={3650} {...form.getInputProps('expiresInDays')} />
                {owner && (
                  <TextInput
                    label="Service account (optional)"
                    description="The organization's: it outlives your membership"
                    w={260}
                    {...form.getInputProps('serviceAccount')}
                  />
                )}
              </Group>
              <Checkbox.Group label="Scopes" {...form.getInputProps('scopes')}>
                <Group mt={4}>
                  {SCOPES.map((s) => (
                    <Checkbox key={s} value={s} label={`${s} (${scopeHelp[s]})`} />
                  ))}
                </Group>
              </Checkbox.Group>
              <ErrorAlert error={create.error} />
              <Button type="submit" loading={create.isPending} w="fit-content">
                Create token
              </Button>
              {secret && <SecretOnce secret={secret} label="Your new API token" />}
            </Stack>
          </form>
        </Paper>
      )}
      <ErrorAlert error={tokens.error ?? revoke.error} />
      {manage && tokens.data?.length === 0 && (
        <Text c="dimmed" size="sm" data-testid="no-tokens">
          No API tokens yet. Create one above for a script or a CI job: give it only the scopes it needs; its secret is shown once.
        </Text>
      )}
      {manage && !!tokens.data?.length && (
        <Table.ScrollContainer minWidth={640}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Token</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.data?.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  {t.name}
                  {t.serviceAccount && (
                    <Text size="xs" c="dimmed" data-testid="service-account">
                      service account {t.serviceAccount}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <code>{t.prefix}…</code>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {t.scopes.map((s) => (
                      <Badge key={s} size="sm" variant="light">
                        {s}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{dateTime(t.createdAt)}</Text>
                  <Text size="xs" c="dimmed">
                    by {t.createdByName ?? actorName(`user:${t.createdBy}`, members.data)}
                  </Text>
                </Table.Td>
                <Table.Td>{t.expiresAt ? dateTime(t.expiresAt) : 'never'}</Table.Td>
                <Table.Td>
                  {t.revokedAt ? (
                    <Badge color="gray">revoked</Badge>
                  ) : (
                    <ConfirmButton size="xs" variant="subtle" color="red" confirm={`Revoke ${t.name}? Whatever uses it stops working.`} confirmLabel="Revoke" onConfirm={() => revoke.mutate(t.id)}>
                      Revoke
                    </ConfirmButton>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
