import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useAudit } from '../../api/audit';
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
  const [shown, setShown] = useState(50);
  const audit = useAudit(org, { project: project ?? undefined, actor: actor ?? undefined, target: debounced || undefined });
  const entries = audit.data ?? [];
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
      <ErrorAlert error={audit.error} />
      <AuditList entries={entries.slice(0, shown)} members={members.data} />
      {entries.length > shown && (
        <Button variant="default" onClick={() => setShown(shown + 50)} w="fit-content">
          Show older entries
        </Button>
      )}
    </Stack>
  );
}
