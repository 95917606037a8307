/**
 * A strip above the flags list with the flag changes that just arrived through the feed from
 * someone else (another person, or this person in another tab): "Ada turned off checkout in
 * production · just now". This tab's own changes are not announced back.
 */
import { Alert, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { FlagStateView } from '../../api/flags';
import type { Environment, Member } from '../../api/types';
import { actorName, ago, dateTime } from '../../lib/format';
import type { ChangeEvent } from '../../live/change';
import { changedFlag, describeChange } from '../../live/describe';
import { useLiveChanges } from '../../live/LiveProvider';
import { isOwnChange } from '../../live/own';
import { useNow } from '../../live/useNow';

interface Seen {
  change: ChangeEvent;
  /** Whether the flag was on in the change's environment when the change arrived. */
  before?: boolean;
}

interface Props {
  project: string;
  environments: Environment[];
  stateOf: (envId: string, flag: string) => FlagStateView | undefined;
  /** The signed-in user as an actor (`user:ID`), when known. */
  me: string | null;
  members: Member[] | undefined;
}

const SHOWN = 3;

export function FlagsListChanges({ project, environments, stateOf, me, members }: Props) {
  const [seen, setSeen] = useState<Seen[]>([]);
  const now = useNow();
  useLiveChanges((c) => {
    if (c.projectId !== project || !c.action.startsWith('flag') || isOwnChange(c, me)) return;
    const before = c.environmentId ? stateOf(c.environmentId, changedFlag(c))?.enabled : undefined;
    setSeen((s) => [{ change: c, before }, ...s.filter((x) => x.change.id !== c.id)].slice(0, SHOWN));
  });
  if (seen.length === 0) return null;
  return (
    <Alert color="blue" variant="light" withCloseButton closeButtonLabel="Dismiss" onClose={() => setSeen([])} data-testid="live-changes" role="status">
      <Stack gap={2}>
        {seen.map(({ change: c, before }) => {
          const env = environments.find((e) => e.id === c.environmentId);
          const after = env ? stateOf(env.id, changedFlag(c))?.enabled : undefined;
          const who = c.actorName ?? actorName(c.actor, members);
          return (
            <Text key={c.id} size="sm" title={dateTime(c.at)}>
              {describeChange(c, { who, envName: env?.name ?? null, before, after })}
              <Text span c="dimmed" size="sm">
                {' '}
                · {ago(c.at, now)}
              </Text>
            </Text>
          );
        })}
      </Stack>
    </Alert>
  );
}
