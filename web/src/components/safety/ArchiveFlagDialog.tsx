/**
 * Archiving a flag, confirmed by typing its key after reading what it reaches: the environments
 * it is on in, its rules there, its evaluations in the last hour, and that every SDK gets
 * FLAG_NOT_FOUND for it at once.
 */
import { List, Loader, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useFlagStates } from '../../api/flags';
import type { Environment } from '../../api/types';
import { countRules, evaluationsPhrase, plural, rulesPhrase } from './blastRadius';
import { TypedConfirm } from './TypedConfirm';
import { useLastHourEvaluations } from './useLastHour';

interface Props {
  project: string;
  flag: string;
  environments: Environment[];
  opened: boolean;
  onClose: () => void;
  onConfirm: () => void;
  loading?: boolean;
  error?: ReactNode;
}

/** Where the flag is on, and its rules there, from each environment's states. */
function useReach(project: string, flag: string, environments: Environment[], opened: boolean) {
  const states = useFlagStates(project, environments.map((e) => e.id), opened);
  const loaded = states.every((q) => q.data);
  const stateIn = (i: number) => states[i]?.data?.find((s) => s.flagKey === flag);
  const on = environments.filter((_, i) => stateIn(i)?.enabled);
  const counts = environments.flatMap((_, i) => (stateIn(i)?.enabled ? [countRules(stateIn(i)!.targeting)] : []));
  const rules: number | 'custom' = counts.some((n) => n === 'custom') ? 'custom' : counts.reduce<number>((a, n) => a + (n as number), 0);
  return { loaded, on, rules };
}

export function ArchiveFlagDialog({ project, flag, environments, opened, onClose, onConfirm, loading, error }: Props) {
  const reach = useReach(project, flag, environments, opened);
  const evals = useLastHourEvaluations(project, flag, environments.map((e) => e.id), opened);
  const evaluated = evaluationsPhrase(evals.total);
  return (
    <TypedConfirm
      opened={opened}
      onClose={onClose}
      title={`Archive ${flag}?`}
      phrase={flag}
      confirmLabel="Archive flag"
      onConfirm={onConfirm}
      loading={loading}
      error={error}
    >
      <List size="sm" spacing={4} data-testid="blast-radius">
        {!reach.loaded ? (
          <List.Item icon={<Loader size="xs" />}>Reading where it is on…</List.Item>
        ) : reach.on.length > 0 ? (
          <List.Item>
            On in {reach.on.map((e) => e.name).join(', ')} ({reach.on.length} of {plural(environments.length, 'environment')}), with {rulesPhrase(reach.rules)}
          </List.Item>
        ) : (
          <List.Item>Off in every environment</List.Item>
        )}
        {evaluated && <List.Item>{evaluated.charAt(0).toUpperCase() + evaluated.slice(1)}, across its environments</List.Item>}
        <List.Item>
          Every SDK gets <code>FLAG_NOT_FOUND</code> for <code>{flag}</code> at once, in every environment, and code falls back to its default
        </List.Item>
      </List>
      <Text size="sm" c="dimmed">
        You can undo it right after, or unarchive it later from the flag's settings.
      </Text>
    </TypedConfirm>
  );
}
