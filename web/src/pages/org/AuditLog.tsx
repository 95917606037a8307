import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useAudit } from '../../api/audit';
import { useMembers } from '../../api/orgs';
import { useEnvironments, useProjects } from '../../api/projects';
import { AuditList } from '../../components/AuditList';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';

export default function AuditLog() {
  const { org = '' } = useParams();
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
