/**
 * The audit log's filters: project, environment, who, flag and days. Each change goes to the URL
 * at once (typing, once it pauses), so the page is the filtered view and its link shares it.
 */
import { Autocomplete, Group, Select } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { flagKeys, listFlags } from '../../api/flags';
import type { ApiToken, Environment, Member, Project } from '../../api/types';
import type { LogFilters } from '../../lib/audit';

/** Who can appear as an actor: members, API tokens (for admins), and Switchyard's own runners. */
export function actorOptions(members: Member[] | undefined, tokens: ApiToken[] | undefined, chosen?: string): { value: string; label: string }[] {
  const out = [
    ...(members ?? []).map((m) => ({ value: `user:${m.userId}`, label: m.name || m.email })),
    ...(tokens ?? []).map((t) => ({ value: `token:${t.id}`, label: `API token ${t.name}` })),
    { value: 'system:scheduler', label: 'The scheduler' },
    { value: 'system:ramp', label: 'The ramp runner' },
    { value: 'system:webhooks', label: 'The webhook dispatcher' },
  ];
  // A shared link may name someone no longer listed: keep it choosable, and say so.
  if (chosen && !out.some((o) => o.value === chosen)) {
    out.push({ value: chosen, label: chosen.startsWith('token:') ? 'A removed API token' : chosen.startsWith('user:') ? 'A removed member' : 'The system' });
  }
  return out;
}

interface Props {
  f: LogFilters;
  set: (changes: Partial<LogFilters>) => void;
  projects: Project[];
  environments: Environment[] | undefined;
  actors: { value: string; label: string }[];
}

export function AuditLogFilters({ f, set, projects, environments, actors }: Props) {
  const [flag, setFlag] = useState(f.flag ?? '');
  const [typed] = useDebouncedValue(flag.trim(), 400);
  // The URL moved (a link, back, "Clear filters"): the field follows.
  useEffect(() => setFlag(f.flag ?? ''), [f.flag]);
  useEffect(() => {
    if (typed !== (f.flag ?? '')) set({ flag: typed });
    // Only the typed value decides; `f` and `set` change with every URL change.
  }, [typed]);
  const flags = useQuery({ queryKey: flagKeys.list(f.project ?? ''), queryFn: () => listFlags(f.project!), enabled: !!f.project, staleTime: 30_000 });
  const [range, setRange] = useState<[string | null, string | null]>([f.from ?? null, f.to ?? null]);
  useEffect(() => setRange([f.from ?? null, f.to ?? null]), [f.from, f.to]);
  const envMissing = !!f.environment && !!environments && !environments.some((e) => e.key === f.environment);
  return (
    <Group wrap="wrap" align="flex-start" data-testid="audit-filters">
      <Select
        label="Project"
        placeholder="All projects"
        clearable
        w={200}
        data={projects.map((p) => ({ value: p.id, label: p.name }))}
        value={f.project ?? null}
        onChange={(v) => set({ project: v ?? undefined, environment: undefined })}
      />
      <Select
        label="Environment"
        placeholder={f.project ? 'All environments' : 'Choose a project first'}
        clearable
        disabled={!f.project}
        w={200}
        data={[...(environments ?? []).map((e) => ({ value: e.key, label: e.name })), ...(envMissing ? [{ value: f.environment!, label: f.environment! }] : [])]}
        value={f.environment ?? null}
        onChange={(v) => set({ environment: v ?? undefined })}
        error={envMissing ? 'No such environment in this project' : undefined}
      />
      <Select label="Who" placeholder="Anyone" clearable searchable w={220} data={actors} value={f.actor ?? null} onChange={(v) => set({ actor: v ?? undefined })} />
      <Autocomplete
        label="Flag"
        description={f.project ? undefined : 'Its key; choose a project to pick from a list'}
        placeholder="Any flag"
        w={220}
        data={[...new Set((flags.data ?? []).map((x) => x.key))]}
        value={flag}
        onChange={setFlag}
        onOptionSubmit={(v) => set({ flag: v })}
      />
      <DatePickerInput
        type="range"
        label="When"
        placeholder="Any day"
        clearable
        allowSingleDateInRange
        w={240}
        value={range}
        onChange={(v) => {
          setRange(v as [string | null, string | null]);
          const [from, to] = v;
          if ((from && to) || (!from && !to)) set({ from: (from as string | null) ?? undefined, to: (to as string | null) ?? undefined });
        }}
      />
    </Group>
  );
}
