/**
 * Environments of the project (rename, critical, delete), the current environment's SDK keys with
 * ready snippets, its settings and its flagd file, and the project's own settings.
 */
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { createEnvironment, projectKeys, updateEnvironment, useEnvironments, useProject } from '../../api/projects';
import { isCritical } from '../../lib/critical';
import type { Environment } from '../../api/types';
import { CustomEventsSetting } from '../../components/CustomEventsSetting';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FlagdPanel } from '../../components/flagd/FlagdPanel';
import { ApprovalSetting } from '../../components/keys/ApprovalSetting';
import { EnvironmentSettings } from '../../components/keys/EnvironmentSettings';
import { KeysPanel } from '../../components/keys/KeysPanel';
import { DeleteProjectButton, RenameProject } from '../../components/keys/ProjectActions';
import { ProjectSettings } from '../../components/keys/ProjectSettings';
import { SecureMode } from '../../components/keys/SecureMode';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { fieldError } from '../../lib/errors';
import { policyText } from '../../lib/requests/status';
import { canEditFlags, canManageProjects } from '../../lib/roles';
import { KEY_HINT, KEY_RE } from '../../lib/values';
import { envPath, orgPath, useScope } from '../../scope';

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

export const CriticalBadge = () => (
  <Badge color="orange" variant="filled" size="sm" title="A critical environment: its toggles ask for confirmation">
    critical
  </Badge>
);

function EnvironmentsTable({ org, project, current, environments }: { org: string; project: string; current: Environment | undefined; environments: Environment[] }) {
  return (
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
          <Table.Tr key={e.id} bg={e.id === current?.id ? 'indigo.0' : undefined} data-testid={`env-row-${e.key}`}>
            <Table.Td>
              <Group gap={6} wrap="nowrap">
                <Anchor component={Link} to={`${envPath(org, project, e.key)}/environments`}>
                  {e.name}
                </Anchor>
                {isCritical(e) && <CriticalBadge />}
              </Group>
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
  );
}

function ProjectPanel({ org, project, canManage }: { org: string; project: string; canManage: boolean }) {
  const p = useProject(project);
  const navigate = useNavigate();
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          Project settings
        </Title>
        {canManage && p.data && <RenameProject key={p.data.name} project={p.data} />}
        <ProjectSettings project={project} canManage={canManage} />
        {canManage && p.data && <DeleteProjectButton project={p.data} onDeleted={() => navigate(`${orgPath(org)}/projects`, { replace: true })} />}
      </Stack>
    </Paper>
  );
}

export default function Environments() {
  const { org, project, envKey, env, environments, role } = useScope();
  const projectData = useProject(project);
  const loaded = useEnvironments(project).isSuccess;
  const canManage = canManageProjects(role);
  return (
    <Stack>
      <PageHeader title="Environments & SDK keys" description="Each environment has its own flag states and its own keys." />
      {!canManage && <ReadOnlyNotice role={role} need="admin" />}
      <EnvironmentsTable org={org} project={project} current={env} environments={environments} />
      {canManage && <NewEnvironment project={project} existing={environments.map((e) => e.key)} />}
      {loaded && environments.length === 0 && (
        <Text c="dimmed" data-testid="no-environments">
          This project has no environments yet. {canManage ? 'Add one above (for example development), then create a key for it here.' : 'An admin adds them.'}
        </Text>
      )}
      {!env && environments.length > 0 && (
        <Alert color="yellow" title={`There is no environment ${envKey} in this project`}>
          It may have been deleted. Pick one in the table above.
        </Alert>
      )}
      {env && (
        <Paper withBorder p="md" style={isCritical(env) ? { borderColor: 'var(--mantine-color-orange-5)' } : undefined}>
          <Stack>
            <Group gap="xs">
              <Title order={2} size="h4">
                {env.name}
              </Title>
              {isCritical(env) && <CriticalBadge />}
            </Group>
            <KeysPanel key={env.id} project={project} env={env} canManage={canManage} />
            <Origins key={`o-${env.id}`} project={project} env={env} canManage={canManage} />
            <SecureMode key={`s-${env.id}`} project={project} env={env} canManage={canManage} />
            <CustomEventsSetting key={`c-${env.id}`} project={project} env={env} canManage={canManage} />
            <ApprovalSetting key={`a-${env.id}`} project={project} env={env} canManage={canManage} />
            <FlagdPanel project={project} projectName={projectData.data?.name ?? project} env={env} canEdit={canEditFlags(role)} />
            <Title order={4} size="h6">
              Environment settings
            </Title>
            <EnvironmentSettings key={`e-${env.id}`} org={org} project={project} env={env} environments={environments} canManage={canManage} />
          </Stack>
        </Paper>
      )}
      <ProjectPanel org={org} project={project} canManage={canManage} />
    </Stack>
  );
}
