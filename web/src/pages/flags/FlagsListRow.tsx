/** One flag of the flags list: name and badges, type, a switch per environment, who changed it last. */
import { Anchor, Badge, Group, Switch, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import type { FlagStateView } from '../../api/flags';
import type { Environment, Flag, Member, Ramp } from '../../api/types';
import { CRITICAL_COLOR, isCritical } from '../../lib/critical';
import { actorName, ago, dateTime } from '../../lib/format';
import { RAMP_COLOR, rampBadge, rampSummary } from '../../lib/ramps/progress';
import { describeStale, type StaleReason } from '../../lib/stale';
import type { Flip } from './FlagsListToggle';

interface Props {
  flag: Flag;
  href: string;
  /** The environment of the URL (the ramp badge is about it). */
  env: Environment | undefined;
  environments: Environment[];
  stateOf: (envId: string, flag: string) => FlagStateView | undefined;
  /** Whether each environment's states have arrived. */
  loaded: (envId: string) => boolean;
  stale: StaleReason | null;
  ramp: Ramp | undefined;
  canEdit: boolean;
  toggle: { request: (f: Flip) => void; pending: (envId: string, flag: string) => boolean };
  members: Member[] | undefined;
  now: number;
}

/** The newest change of the flag's state in any environment, with who made it. */
export function lastStateChange(flag: string, environments: Environment[], stateOf: Props['stateOf']) {
  let last: { state: FlagStateView; env: Environment } | null = null;
  for (const env of environments) {
    const state = stateOf(env.id, flag);
    if (state && state.updatedAt > 0 && (!last || state.updatedAt > last.state.updatedAt)) last = { state, env };
  }
  return last;
}

export function FlagsListRow({ flag: f, href, env, environments, stateOf, loaded, stale, ramp, canEdit, toggle, members, now }: Props) {
  const last = lastStateChange(f.key, environments, stateOf);
  return (
    <Table.Tr data-testid={`flag-row-${f.key}`}>
      <Table.Td>
        <Anchor component={Link} to={href} fw={600}>
          {f.name}
        </Anchor>
        <Group gap={4}>
          <Text size="xs" c="dimmed">
            <code>{f.key}</code>
          </Text>
          {f.archived && (
            <Badge size="xs" color="gray">
              archived
            </Badge>
          )}
          {ramp && (
            <Tooltip label={`${env?.name}: ${rampSummary(ramp)}`}>
              <Badge size="xs" variant="light" color={RAMP_COLOR[ramp.status]} tabIndex={0} data-testid="ramp-badge">
                {rampBadge(ramp)}
              </Badge>
            </Tooltip>
          )}
          {stale && (
            <Tooltip label={describeStale(stale)}>
              <Badge size="xs" color="yellow" tabIndex={0} aria-label={`Stale: ${describeStale(stale)}`} data-testid="stale-badge">
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
        const state = stateOf(e.id, f.key);
        const critical = isCritical(e);
        return (
          <Table.Td key={e.id}>
            <Switch
              aria-label={`${f.key} in ${e.name}`}
              color={critical ? CRITICAL_COLOR : undefined}
              checked={!!state?.enabled}
              // An archived flag has no state in the list: nothing to switch.
              disabled={!canEdit || !loaded(e.id) || !state || toggle.pending(e.id, f.key)}
              onChange={() => state && toggle.request({ env: e, state })}
              data-critical={critical || undefined}
            />
          </Table.Td>
        );
      })}
      <Table.Td>
        {last ? (
          <Text size="sm" title={`${dateTime(last.state.updatedAt)} in ${last.env.name}`} data-testid="last-change">
            {last.state.updatedByName ?? actorName(last.state.updatedBy, members)} · {ago(last.state.updatedAt, now)}
            <Text span size="xs" c="dimmed" display="block">
              in {last.env.name}
            </Text>
          </Text>
        ) : (
          <Text size="sm" title={dateTime(f.updatedAt)} data-testid="last-change">
            {ago(f.updatedAt, now)}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
