import { Alert, Button, Card, Center, Group, Loader, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useAudit, useAuditEntry } from '../../api/audit';
import { ApiError } from '../../api/client';
import { useMembers } from '../../api/orgs';
import { useEnvironments, useProjects } from '../../api/projects';
import type { Member } from '../../api/types';
import { AuditList } from '../../components/AuditList';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';

const LINKED_TITLE = 'The change you followed a link to';

/**
 * The one change a link named (`?change={id}`, as webhook, Slack and Teams messages link to it),
 * open on its diff, above the log; or a notice when this organization has no such change.
 */
function LinkedChange({ org, id, members, onClear }: { org: string; id: string; members: Member[] | undefined; onClear: () => void }) {
  const linked = useAuditEntry(org, id);
  const environments = useEnvironments(linked.data?.projectId ?? undefined);
  const envName = (e: string) => environments.data?.find((x) => x.id === e)?.name;
  const clear = (
    <Button variant="default" size="xs" onClick={onClear}>
      Show the whole log
    </Button>
  );
  if (linked.error instanceof ApiError && linked.error.status === 404) {
    return (
      <Alert color="yellow" variant="light" title="Change not found" role="status" data-testid="linked-change-missing">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            This change was not found (or is not in this organization): <code>{id}</code>. The log below is the whole
            organization's.
          </Text>
          {clear}
        </Stack>
      </Alert>
    );
  }
  return (
    <Card
      component="section"
      aria-label={LINKED_TITLE}
      data-testid="linked-change"
      withBorder
      radius="md"
      padding="md"
      bd="2px solid var(--mantine-color-blue-filled)"
    >
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Stack gap={0}>
          <Title order={5}>{LINKED_TITLE}</Title>
          <Text size="xs" c="dimmed">
            Change <code>{id}</code>; the whole log follows below.
          </Text>
        </Stack>
        {clear}
      </Group>
      {linked.error ? (
        <ErrorAlert error={linked.error} />
      ) : linked.data ? (
        <AuditList key={linked.data.id} entries={[linked.data]} members={members} envName={envName} expanded={[linked.data.id]} />
      ) : (
        <Center h={60}>
          <Loader size="sm" aria-label="Loading the change" />
        </Center>
      )}
    </Card>
  );
}

export default function AuditLog() {
  const { org = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const change = params.get('change')?.trim() || null;
  const clearChange = () =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.delete('change');
      return next;
    });
  const [project, setProject] = useState<string | null>(null);
  const [environment, setEnvironment] = useState<string | null>(null);
  const [actor, setActor] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [debounced] = useDebouncedValue(target.trim(), 400);
  const members = useMembers(org);
  const projects = useProjects(org);
  const environments = useEnvironments(project ?? undefined);
  // One page of the newest entries; older pages only on request.
  const audit = useAudit(org, {
    project: project ?? undefined,
    environment: (project && environment) || undefined,
    actor: actor ?? undefined,
    target: debounced || undefined,
  }, { keepPrevious: true });
  const envName = (id: string) => environments.data?.find((e) => e.id === id)?.name;
  return (
    <Stack>
      <PageHeader title="Audit log" description="Every change in this organization, newest first: who, when, and what changed." />
      {change && <LinkedChange org={org} id={change} members={members.data} onClear={clearChange} />}
      <Group wrap="wrap">
        <Select
          label="Project"
          placeholder="All projects"
          clearable
          w={200}
          data={(projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={project}
          onChange={(v) => {
            setProject(v);
            setEnvironment(null);
          }}
        />
        <Select
          label="Environment"
          placeholder={project ? 'All environments' : 'Choose a project first'}
          clearable
          disabled={!project}
          w={200}
          data={(environments.data ?? []).map((e) => ({ value: e.id, label: e.name }))}
          value={environment}
          onChange={setEnvironment}
        />
        <Select
          label="Who"
          placeholder="Anyone"
          clearable
          w={200}
          data={(members.data ?? []).map((m) => ({ value: `user:${m.userId}`, label: m.name || m.email }))}
          value={actor}
          onChange={setActor}
        />
        <TextInput label="Target" description="Such as flag:new-checkout" placeholder="flag:…" w={220} value={target} onChange={(e) => setTarget(e.currentTarget.value)} />
      </Group>
      <ErrorAlert error={audit.error} />
      {audit.loaded && <AuditList entries={audit.entries} members={members.data} envName={project ? envName : undefined} />}
      {audit.hasMore && (
        <Button variant="default" onClick={audit.loadMore} loading={audit.loadingMore} w="fit-content">
          Load older entries
        </Button>
      )}
    </Stack>
  );
}
