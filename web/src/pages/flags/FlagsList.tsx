/**
 * Every flag of the project: search and filters, an on/off switch per environment (read from each
 * environment's flag states, live through the change feed), who changed each flag last,
 * staleness, ramps running here, and the changes others just made.
 */
import { Alert, Button, Group, MultiSelect, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useEnvironmentEvaluations } from '../../api/analytics';
import { useMe } from '../../api/auth';
import { type FlagStateView, useFlags, useFlagStates } from '../../api/flags';
import { useMembers } from '../../api/orgs';
import { useRamps } from '../../api/ramps';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NewFlagModal } from '../../components/flag/NewFlagModal';
import { PageHeader } from '../../components/PageHeader';
import { ApprovalBadge } from '../../components/requests/Badges';
import { CRITICAL_COLOR, isCritical } from '../../lib/critical';
import { runningByFlag } from '../../lib/ramps/progress';
import { canEditFlags } from '../../lib/roles';
import { staleReason } from '../../lib/stale';
import { LiveBadge } from '../../live/LiveBadge';
import { useNow } from '../../live/useNow';
import { flagPath, useScope } from '../../scope';
import { FlagsListChanges } from './FlagsListChanges';
import { FlagsListRow } from './FlagsListRow';
import { useListToggle } from './FlagsListToggle';

type Status = 'active' | 'on' | 'off' | 'stale' | 'ramping' | 'archived' | 'all';
const STATUSES: { value: Status; label: string }[] = [
  { value: 'active', label: 'Active (not archived)' },
  { value: 'on', label: 'On here' },
  { value: 'off', label: 'Off here' },
  { value: 'stale', label: 'Stale' },
  { value: 'ramping', label: 'Ramping here' },
  { value: 'archived', label: 'Archived' },
  { value: 'all', label: 'All' },
];

export default function FlagsList() {
  const { org, project, env, envKey, environments, role } = useScope();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const q = params.get('q') ?? '';
  const status = (params.get('status') as Status) ?? 'active';
  const tags = params.getAll('tag');
  const staleDays = Number(params.get('staleDays') ?? 7);
  const setParam = (k: string, v: string | string[] | null) => {
    const n = new URLSearchParams(params);
    n.delete(k);
    for (const x of Array.isArray(v) ? v : v ? [v] : []) n.append(k, x);
    setParams(n, { replace: true });
  };

  const flags = useFlags(project);
  const states = useFlagStates(project, environments.map((e) => e.id));
  const byEnv = useMemo(() => new Map(environments.map((e, i) => [e.id, new Map((states[i]?.data ?? []).map((s) => [s.flagKey, s]))])), [environments, states]);
  const stateOf = (envId: string, flag: string): FlagStateView | undefined => byEnv.get(envId)?.get(flag);
  const loaded = (envId: string) => !!states[environments.findIndex((e) => e.id === envId)]?.data;
  const me = useMe();
  const members = useMembers(org);
  const evals = useEnvironmentEvaluations(project, env?.id, staleDays * 24);
  const ramps = useRamps(project);
  const rampOf = useMemo(() => runningByFlag(ramps.data ?? [], env?.id ?? ''), [ramps.data, env?.id]);
  const [creating, setCreating] = useState(false);
  const canEdit = canEditFlags(role);
  const user = me.data?.user ?? null;
  const toggle = useListToggle(project, user?.name ?? null);
  const now = useNow();

  const evaluated = useMemo(() => (evals.data ? new Set(evals.data.rows.map((r) => r.flag)) : null), [evals.data]);
  const here = (flag: string) => (env ? stateOf(env.id, flag) : undefined);

  const allTags = [...new Set((flags.data ?? []).flatMap((f) => f.tags ?? []))].sort();
  const needle = q.trim().toLowerCase();
  const shown = (flags.data ?? []).filter((f) => {
    if (needle && ![f.key, f.name, f.description ?? ''].some((s) => s.toLowerCase().includes(needle))) return false;
    if (tags.length && !tags.every((t) => f.tags?.includes(t))) return false;
    const st = here(f.key);
    switch (status) {
      case 'active':
        return !f.archived;
      case 'archived':
        return f.archived;
      case 'on':
        return !f.archived && !!st?.enabled;
      case 'off':
        return !f.archived && !st?.enabled;
      case 'stale':
        return !f.archived && !!staleReason(f, st, evaluated, staleDays, now);
      case 'ramping':
        return rampOf.has(f.key);
      default:
        return true;
    }
  });

  return (
    <Stack>
      <PageHeader
        title={
          <Group gap="sm">
            Flags <LiveBadge />
          </Group>
        }
        description={env ? `Switches turn a flag on or off in each environment; details open the ${env.name} configuration.` : undefined}
        actions={
          <Button onClick={() => setCreating(true)} disabled={!canEdit} title={canEdit ? undefined : 'Creating flags needs the editor role'}>
            New flag
          </Button>
        }
      />
      <FlagsListChanges project={project} environments={environments} stateOf={stateOf} me={user ? `user:${user.id}` : null} members={members.data} />
      <Group wrap="wrap" align="flex-end">
        <TextInput label="Search" placeholder="Key, name or description" w={240} value={q} onChange={(e) => setParam('q', e.currentTarget.value || null)} />
        <MultiSelect label="Tags" placeholder={allTags.length ? 'Any tag' : 'No tags yet'} w={220} data={allTags} value={tags} onChange={(v) => setParam('tag', v)} clearable />
        <Select label="Status" w={200} data={STATUSES} value={status} allowDeselect={false} onChange={(v) => setParam('status', v === 'active' ? null : v)} />
        <Select
          label="Stale when unused for"
          w={200}
          data={['7', '14', '30', '90'].map((d) => ({ value: d, label: `${d} days` }))}
          value={String(staleDays)}
          allowDeselect={false}
          onChange={(v) => setParam('staleDays', v === '7' ? null : v)}
        />
      </Group>
      <ErrorAlert error={flags.error ?? states.find((s) => s.error)?.error} />
      {toggle.ui}
      {flags.data && flags.data.length === 0 && (
        <Alert color="blue" variant="light">
          No flags yet. {canEdit ? 'Create the first one with “New flag”.' : 'An editor can create the first one.'}
        </Alert>
      )}
      {flags.data && flags.data.length > 0 && shown.length === 0 && <Text c="dimmed">No flag matches these filters.</Text>}
      {shown.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table highlightOnHover verticalSpacing="sm" data-testid="flags-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Flag</Table.Th>
                <Table.Th>Type</Table.Th>
                {environments.map((e) => (
                  <Table.Th key={e.id} style={e.key === envKey ? { textDecoration: 'underline' } : undefined} c={isCritical(e) ? CRITICAL_COLOR : undefined}>
                    {e.name}
                    {isCritical(e) && (
                      <Text span display="block" size="xs" fw={600} c={CRITICAL_COLOR} data-testid="critical-badge">
                        critical
                      </Text>
                    )}
                    {e.approval && (
                      <Text span display="block">
                        <ApprovalBadge policy={e.approval} size="xs" />
                      </Text>
                    )}
                  </Table.Th>
                ))}
                <Table.Th>Last change</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((f) => (
                <FlagsListRow
                  key={f.key}
                  flag={f}
                  href={flagPath(org, project, envKey, f.key)}
                  env={env}
                  environments={environments}
                  stateOf={stateOf}
                  loaded={loaded}
                  stale={f.archived ? null : staleReason(f, here(f.key), evaluated, staleDays, now)}
                  ramp={rampOf.get(f.key)}
                  canEdit={canEdit}
                  toggle={toggle}
                  members={members.data}
                  now={now}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewFlagModal
        project={project}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          navigate(flagPath(org, project, envKey, key));
        }}
      />
    </Stack>
  );
}
