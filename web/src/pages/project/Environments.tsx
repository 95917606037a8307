/** Environments of the project, and the current environment's SDK keys with ready snippets. */
import { Anchor, Badge, Button, Group, Paper, Stack, Table, TagsInput, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { createEnvironment, createSdkKey, projectKeys, revokeSdkKey, rotateSdkKey, updateEnvironment, useSdkKeys } from '../../api/projects';
import type { Environment, KeyCreated, KeyKind } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ApprovalSetting } from '../../components/keys/ApprovalSetting';
import { ProjectSettings } from '../../components/keys/ProjectSettings';
import { RotateKey } from '../../components/keys/RotateKey';
import { SecureMode } from '../../components/keys/SecureMode';
import { CustomEventsSetting } from '../../components/CustomEventsSetting';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { SecretOnce } from '../../components/SecretOnce';
import { SnippetTabs } from '../../components/SnippetTabs';
import { fieldError } from '../../lib/errors';
import { dateTime } from '../../lib/format';
import { policyText } from '../../lib/requests/status';
import { canManageProjects } from '../../lib/roles';
import { KEY_HINT, KEY_RE } from '../../lib/values';
import { envPath, useScope } from '../../scope';

function NewEnvironment({ project, existing }: { project: string; existing: string[] }) {
  const qc = useQueryClient();
  const [key, setKey] = useState('');
  const [tried, setTried] = useState(false);
  const err = !KEY_RE.test(key) ? KEY_HINT : existing.includes(key) ? 'This environment exists already' : undefined;
  const m = useMutation({
    mutationFn: () => createEnvironment(project, { key }),
    onSuccess: () => {
      setKey('');
      setTried(false);
      void qc.invalidateQueries({ queryKey: projectKeys.environments(project) });
    },
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!err) m.mutate();
      }}
    >
      <Group align="flex-start">
        <TextInput aria-label="New environment key" placeholder="staging" value={key} onChange={(e) => setKey(e.currentTarget.value.trim())} error={(tried && err) || fieldError(m.error, 'key')} />
        <Button type="submit" variant="light" loading={m.isPending}>
          Add environment
        </Button>
      </Group>
      <ErrorAlert error={m.error} />
    </form>
  );
}

function Origins({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const qc = useQueryClient();
  const [origins, setOrigins] = useState(env.allowedOrigins ?? []);
  const bad = origins.find((o) => !/^https?:\/\/[A-Za-z0-9.:-]+$/.test(o));
  const m = useMutation({
    mutationFn: () => updateEnvironment(project, env.id, { allowedOrigins: origins }),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.environments(project) }),
  });
  return (
    <Stack gap="xs">
      <TagsInput
        label="Allowed browser origins"
        description="Empty: any origin may use this environment's client keys"
        placeholder="https://app.example.com"
        value={origins}
        onChange={setOrigins}
        disabled={!canManage}
        error={bad ? `${bad} is not an origin such as https://app.example.com` : fieldError(m.error, 'allowedOrigins')}
      />
      {canManage && (
        <Button size="xs" w="fit-content" variant="light" disabled={!!bad || JSON.stringify(origins) === JSON.stringify(env.allowedOrigins)} loading={m.isPending} onClick={() => m.mutate()}>
          Save origins
        </Button>
      )}
      <ErrorAlert error={m.error} />
    </Stack>
  );
}

function Keys({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const keys = useSdkKeys(project, env.id);
  const qc = useQueryClient();
  const [created, setCreated] = useState<KeyCreated | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: projectKeys.keys(project, env.id) });
  const create = useMutation({ mutationFn: (kind: KeyKind) => createSdkKey(project, env.id, kind), onSuccess: (k) => setCreated(k), onSettled: refresh });
  const rotate = useMutation({
    mutationFn: ({ id, overlap }: { id: string; overlap: number }) => rotateSdkKey(project, env.id, id, overlap),
    onSuccess: (k) => setCreated(k),
    onSettled: refresh,
  });
  const revoke = useMutation({ mutationFn: (id: string) => revokeSdkKey(project, env.id, id), onSettled: refresh });
  const now = Date.now();
  const live = (keys.data ?? []).filter((k) => !k.revokedAt && !(k.expiresAt && k.expiresAt <= now));
  return (
    <Stack>
      <Group>
        <Button size="sm" disabled={!canManage} loading={create.isPending && create.variables === 'client'} onClick={() => create.mutate('client')}>
          New client key
        </Button>
        <Button size="sm" variant="default" disabled={!canManage} loading={create.isPending && create.variables === 'server'} onClick={() => create.mutate('server')}>
          New server key
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Client keys are public (browsers; they see evaluated values only). Server keys are secret (full flag documents).
      </Text>
      <ErrorAlert error={keys.error ?? create.error ?? rotate.error ?? revoke.error} />
      {created && (
        <Paper withBorder p="md" data-testid="new-key">
          <Stack>
            <SecretOnce secret={created.secret} label={`New ${created.key.kind} key for ${env.name}`} />
            <SnippetTabs kind={created.key.kind} secret={created.secret} />
          </Stack>
        </Paper>
      )}
      {live.length === 0 ? (
        <Text c="dimmed" size="sm">
          No keys yet for {env.name}.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {live.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>
                  <Badge variant="light" color={k.kind === 'server' ? 'red' : 'indigo'}>
                    {k.kind}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <code>{k.prefix}…</code>
                </Table.Td>
                <Table.Td>{dateTime(k.createdAt)}</Table.Td>
                <Table.Td>{k.expiresAt ? <Text size="sm" c="orange">stops working {dateTime(k.expiresAt)}</Text> : 'never'}</Table.Td>
                <Table.Td>
                  {canManage && (
                    <Group gap={4} wrap="nowrap">
                      {!k.expiresAt && <RotateKey loading={rotate.isPending && rotate.variables?.id === k.id} onRotate={(overlap) => rotate.mutate({ id: k.id, overlap })} />}
                      <ConfirmButton size="xs" variant="subtle" color="red" confirm="Revoke this key? Whatever uses it stops working." confirmLabel="Revoke" onConfirm={() => revoke.mutate(k.id)}>
                        Revoke
                      </ConfirmButton>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      )}
      {!created && (
        <Stack gap="xs">
          <Title order={3} size="h6">
            Using a key
          </Title>
          <SnippetTabs kind="client" secret={null} />
        </Stack>
      )}
    </Stack>
  );
}

export default function Environments() {
  const { org, project, env, environments, role } = useScope();
  const canManage = canManageProjects(role);
  return (
    <Stack>
      <PageHeader title="Environments & SDK keys" description="Each environment has its own flag states and its own keys." />
      {!canManage && <ReadOnlyNotice role={role} need="admin" />}
      <Table.ScrollContainer minWidth={600}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Environment</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Revision</Table.Th>
            <Table.Th>Origins</Table.Th>
            <Table.Th>Approvals</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {environments.map((e) => (
            <Table.Tr key={e.id} bg={e.id === env?.id ? 'indigo.0' : undefined}>
              <Table.Td>
                <Anchor component={Link} to={`${envPath(org, project, e.key)}/environments`}>
                  {e.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <code>{e.key}</code>
              </Table.Td>
              <Table.Td>{e.revision}</Table.Td>
              <Table.Td>{e.allowedOrigins?.length ? e.allowedOrigins.join(', ') : 'any'}</Table.Td>
              <Table.Td>
                {e.approval ? (
                  <Badge variant="light" color="violet" title={policyText(e.approval)}>
                    {e.approval.approvals} approval{e.approval.approvals === 1 ? '' : 's'}
                  </Badge>
                ) : (
                  'not required'
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      </Table.ScrollContainer>
      {canManage && <NewEnvironment project={project} existing={environments.map((e) => e.key)} />}
      {env && (
        <Paper withBorder p="md">
          <Stack>
            <Title order={2} size="h4">
              {env.name}
            </Title>
            <Keys key={env.id} project={project} env={env} canManage={canManage} />
            <Origins key={`o-${env.id}`} project={project} env={env} canManage={canManage} />
            <SecureMode key={`s-${env.id}`} project={project} env={env} canManage={canManage} />
            <CustomEventsSetting key={`c-${env.id}`} project={project} env={env} canManage={canManage} />
            <ApprovalSetting key={`a-${env.id}`} project={project} env={env} canManage={canManage} />
          </Stack>
        </Paper>
      )}
      <Paper withBorder p="md">
        <Stack>
          <Title order={2} size="h4">
            Project settings
          </Title>
          <ProjectSettings project={project} canManage={canManage} />
        </Stack>
      </Paper>
    </Stack>
  );
}
