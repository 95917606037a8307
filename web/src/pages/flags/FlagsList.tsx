/** Every flag of the project: search and filters, an on/off switch per environment, staleness, ramps running here. */
import { Alert, Anchor, Badge, Button, Group, MultiSelect, Select, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useEnvironmentEvaluations } from '../../api/analytics';
import { useAudit } from '../../api/audit';
import { flagKeys, getFlagState, putFlagState, useFlagdAll, useFlags } from '../../api/flags';
import { useMembers } from '../../api/orgs';
import { useRamps } from '../../api/ramps';
import type { Environment, Flag, FlagdDocument, FlagState, Json } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NewFlagModal } from '../../components/flag/NewFlagModal';
import { PageHeader } from '../../components/PageHeader';
import { ApprovalRequiredAlert } from '../../components/requests/ApprovalRequiredAlert';
import { ApprovalBadge } from '../../components/requests/Badges';
import { ProposeModal } from '../../components/requests/ProposeModal';
import { lastFlagChanges } from '../../lib/audit';
import { stateChange, stateTitle } from '../../lib/requests/proposal';
import { actorName, ago, dateTime } from '../../lib/format';
import { RAMP_COLOR, rampBadge, rampSummary, runningByFlag } from '../../lib/ramps/progress';
import { canEditFlags } from '../../lib/roles';
import { describeStale, staleReason } from '../../lib/stale';
import { flagPath, useScope } from '../../scope';

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

interface Flip {
  env: Environment;
  flag: Flag;
  doc: FlagdDocument;
}

/** A flip with the flag's state as the API holds it (the flagd export compiles prerequisites into the targeting). */
interface ToggleVars extends Flip {
  state: FlagState;
}

/**
 * The flip of a flag's switch in one environment, as a change request's change and title: on or
 * off as the switch showed it, made on the version shown, everything else as stored.
 */
function flipProposal({ env, flag, doc, state }: ToggleVars) {
  const s = doc.flags[flag.key];
  const wasOn = s?.state === 'ENABLED';
  const edit = {
    enabled: !wasOn,
    defaultVariant: state.defaultVariant ?? null,
    targeting: (state.targeting ?? null) as Json | null,
    prerequisites: state.prerequisites ?? [],
  };
  return {
    changes: [stateChange(env.id, flag.key, s?.metadata?.version ?? 0, edit)],
    title: stateTitle(flag.key, env.name, wasOn, edit),
  };
}

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
  const docs = useFlagdAll(project, environments.map((e) => e.id));
  const docOf = (e: Environment) => docs[environments.indexOf(e)]?.data;
  const audit = useAudit(org, { project }, { interval: 10_000 });
  const members = useMembers(org);
  const evals = useEnvironmentEvaluations(project, env?.id, staleDays * 24);
  const ramps = useRamps(project);
  const rampOf = useMemo(() => runningByFlag(ramps.data ?? [], env?.id ?? ''), [ramps.data, env?.id]);
  const [creating, setCreating] = useState(false);
  // A switch flipped in an environment that requires approval: proposed, not saved.
  const [flip, setFlip] = useState<ToggleVars | null>(null);
  const flipped = flip ? flipProposal(flip) : null;
  const canEdit = canEditFlags(role);
  const qc = useQueryClient();

  // The newest page of the project's log: flags changed longer ago show their own updatedAt.
  const lastChange = useMemo(() => lastFlagChanges(audit.entries), [audit.entries]);

  const evaluated = useMemo(() => (evals.data ? new Set(evals.data.rows.map((r) => r.flag)) : null), [evals.data]);
  const here = env ? docOf(env) : undefined;

  const toggle = useMutation({
    mutationFn: (v: ToggleVars) => {
      const c = flipProposal(v).changes[0];
      return putFlagState(project, v.env.id, v.flag.key, {
        enabled: c.enabled,
        defaultVariant: c.defaultVariant ?? null,
        targeting: (c.targeting ?? null) as Json | null,
        prerequisites: c.prerequisites ?? [],
        version: c.baseVersion,
      });
    },
    onSettled: (_d, _e, v) => qc.invalidateQueries({ queryKey: flagKeys.flagd(project, v.env.id) }),
  });
  // A flip first reads the state it keeps (rules and prerequisites), then saves or proposes it.
  const load = useMutation({
    mutationFn: async (f: Flip): Promise<ToggleVars> => ({ ...f, state: await getFlagState(project, f.env.id, f.flag.key) }),
    onSuccess: (v) => (v.env.approval ? setFlip(v) : toggle.mutate(v)),
  });

  const allTags = [...new Set((flags.data ?? []).flatMap((f) => f.tags ?? []))].sort();
  const needle = q.trim().toLowerCase();
  const shown = (flags.data ?? []).filter((f) => {
    if (needle && ![f.key, f.name, f.description ?? ''].some((s) => s.toLowerCase().includes(needle))) return false;
    if (tags.length && !tags.every((t) => f.tags?.includes(t))) return false;
    const st = here?.flags[f.key];
    switch (status) {
      case 'active':
        return !f.archived;
      case 'archived':
        return f.archived;
      case 'on':
        return !f.archived && st?.state === 'ENABLED';
      case 'off':
        return !f.archived && st?.state !== 'ENABLED';
      case 'stale':
        return !f.archived && !!staleReason(f, st, evaluated, staleDays);
      case 'ramping':
        return rampOf.has(f.key);
      default:
        return true;
    }
  });

  return (
    <Stack>
      <PageHeader
        title="Flags"
        description={env ? `Switches turn a flag on or off in each environment; details open the ${env.name} configuration.` : undefined}
        actions={
          <Button onClick={() => setCreating(true)} disabled={!canEdit} title={canEdit ? undefined : 'Creating flags needs the editor role'}>
            New flag
          </Button>
        }
      />
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
      <ErrorAlert error={flags.error ?? docs.find((d) => d.error)?.error ?? load.error} />
      {toggle.error && (
        <ApprovalRequiredAlert
          error={toggle.error}
          title={`Could not switch ${toggle.variables?.flag.key} in ${toggle.variables?.env.name}`}
          propose={() => (toggle.variables ? flipProposal(toggle.variables) : null)}
        />
      )}
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
                  <Table.Th key={e.id} style={e.key === envKey ? { textDecoration: 'underline' } : undefined}>
                    {e.name}
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
              {shown.map((f) => {
                const stale = staleReason(f, here?.flags[f.key], evaluated, staleDays);
                const last = lastChange.get(f.key);
                return (
                  <Table.Tr key={f.key} data-testid={`flag-row-${f.key}`}>
                    <Table.Td>
                      <Anchor component={Link} to={flagPath(org, project, envKey, f.key)} fw={600}>
                        {f.name}
                      </Anchor>
                      <Group gap={4}>
                        <Text size="xs" c="dimmed">
                          <code>{f.key}</code>
                        </Text>
                        {f.archived && <Badge size="xs" color="gray">archived</Badge>}
                        {rampOf.has(f.key) && (
                          <Tooltip label={`${env?.name}: ${rampSummary(rampOf.get(f.key)!)}`}>
                            <Badge size="xs" variant="light" color={RAMP_COLOR[rampOf.get(f.key)!.status]} tabIndex={0} data-testid="ramp-badge">
                              {rampBadge(rampOf.get(f.key)!)}
                            </Badge>
                          </Tooltip>
                        )}
                        {stale && (
                          <Tooltip label={describeStale(stale)}>
                            <Badge size="xs" color="yellow" tabIndex={0} aria-label={`Stale: ${describeStale(stale)}`}>
                              stale
                            </Badge>
                          </Tooltip>
                        )}
                        {(f.tags ?? []).map((t) => (
                          <Badge key={t} size="xs" variant="outline">
                            {t}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{f.type}</Text>
                      <Text size="xs" c="dimmed">
                        {f.variants.length} variant{f.variants.length === 1 ? '' : 's'}
                      </Text>
                    </Table.Td>
                    {environments.map((e) => {
                      const doc = docOf(e);
                      const st = doc?.flags[f.key];
                      const busy = [toggle, load].some((m) => m.isPending && m.variables?.env.id === e.id && m.variables.flag.key === f.key);
                      return (
                        <Table.Td key={e.id}>
                          <Switch
                            aria-label={`${f.key} in ${e.name}`}
                            checked={st?.state === 'ENABLED'}
                            disabled={!canEdit || !doc || busy}
                            onChange={() => doc && load.mutate({ env: e, flag: f, doc })}
                          />
                        </Table.Td>
                      );
                    })}
                    <Table.Td>
                      {last ? (
                        <Text size="sm" title={dateTime(last.at)}>
                          {ago(last.at)}
                          <Text span size="xs" c="dimmed" display="block">
                            {actorName(last.actor, members.data)}
                          </Text>
                        </Text>
                      ) : (
                        <Text size="sm" title={dateTime(f.updatedAt)}>
                          {ago(f.updatedAt)}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ProposeModal
        opened={!!flip}
        onClose={() => setFlip(null)}
        changes={flipped?.changes ?? []}
        defaultTitle={flipped?.title ?? ''}
        note={flip && <Text size="sm">{flip.env.name} requires approval: the switch changes once the request is approved and applied.</Text>}
      />
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
