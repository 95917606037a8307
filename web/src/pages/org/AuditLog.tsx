import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useAuditPages } from '../../api/audit';
import { useMembers } from '../../api/orgs';
import { useProjects } from '../../api/projects';
import { AuditList } from '../../components/AuditList';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';

export default function AuditLog() {
  const { org = '' } = useParams();
  const [project, setProject] = useState<string | null>(null);
  const [actor, setActor] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [debounced] = useDebouncedValue(target.trim(), 400);
  const members = useMembers(org);
  const projects = useProjects(org);
  const pages = useAuditPages(org, { project: project ?? undefined, actor: actor ?? undefined, target: debounced || undefined });
  const entries = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <PageHeader title="Audit log" description="Every change in this organization: who, when, and what changed." />
      <Group wrap="wrap">
        <Select
          label="Project"
          placeholder="All projects"
          clearable
          w={200}
          data={(projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={project}
          onChange={setProject}
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
      <ErrorAlert error={pages.error} />
      <AuditList entries={entries} members={members.data} />
      {pages.hasNextPage && (
        <Button variant="default" onClick={() => pages.fetchNextPage()} loading={pages.isFetchingNextPage} w="fit-content">
          Load older entries
        </Button>
      )}
    </Stack>
  );
}
