/**
 * A ramp as it runs: its status, the step it is at on a stepper, the share served on a bar, when
 * it moves on, why it paused itself, and pause / resume / cancel (each sent with the ramp's
 * version; a stale one is refused and shown).
 */
import { Alert, Anchor, Badge, Button, Group, Paper, Progress, Stack, Stepper, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { flagKeys } from '../../api/flags';
import { useMembers } from '../../api/orgs';
import { rampKeys, setRampStatus, type RampAction } from '../../api/ramps';
import type { Environment, Ramp } from '../../api/types';
import { actorName, ago, dateTime } from '../../lib/format';
import { currentPercent, isRunning, RAMP_COLOR, rampSummary } from '../../lib/ramps/progress';
import { duration } from '../../lib/requests/schedule';
import { requestPath } from '../../scope';
import { ConfirmButton } from '../ConfirmButton';
import { ErrorAlert } from '../ErrorAlert';

interface Props {
  project: string;
  env: Environment;
  ramp: Ramp;
  canEdit: boolean;
}

export function RampProgress({ project, env, ramp: r, canEdit }: Props) {
  const qc = useQueryClient();
  const { org = '', env: envKey = '' } = useParams();
  const members = useMembers(org);
  const act = useMutation({
    mutationFn: (a: RampAction) => setRampStatus(project, env.id, r.flag, a, r.version),
    onSuccess: (next) => {
      qc.setQueryData(rampKeys.one(project, env.id, r.flag), next);
      void qc.invalidateQueries({ queryKey: rampKeys.all(project) });
      void qc.invalidateQueries({ queryKey: flagKeys.state(project, env.id, r.flag) });
    },
  });
  const percent = currentPercent(r);
  // A finished ramp shows every step done; a running one its current step in progress.
  const active = r.status === 'completed' ? r.steps.length : r.step;
  const busy = act.isPending;
  return (
    <Paper withBorder p="md" component="section" aria-label={`Ramp of ${r.flag} in ${env.name}`} data-testid="ramp-progress">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Group gap="xs">
            <Title order={2} size="h5">
              Ramp to {r.variant} in {env.name}
            </Title>
            <Badge color={RAMP_COLOR[r.status]} variant="light" data-testid="ramp-status">
              {r.status}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed" title={dateTime(r.createdAt)}>
            Started by {actorName(r.createdBy, members.data)} {ago(r.createdAt)}
            {r.request && (
              <>
                {' '}
                through{' '}
                <Anchor component={Link} to={requestPath(org, project, envKey, r.request)} size="xs">
                  its change request
                </Anchor>
              </>
            )}
          </Text>
        </Group>
        <Text size="sm" data-testid="ramp-summary">
          {rampSummary(r)}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Progress value={percent} size="lg" style={{ flex: 1 }} aria-label={`${percent} % get ${r.variant}`} color={RAMP_COLOR[r.status]} animated={r.status === 'active'} />
          <Text size="sm" fw={700} w={56} ta="right" data-testid="ramp-percent">
            {percent} %
          </Text>
        </Group>
        <Stepper active={active} size="xs" orientation={r.steps.length > 6 ? 'vertical' : 'horizontal'} allowNextStepsSelect={false}>
          {r.steps.map((s, i) => (
            <Stepper.Step key={i} label={`${s.percent} %`} description={`held ${duration(s.holdMs)}`} loading={r.status === 'active' && i === r.step} />
          ))}
        </Stepper>
        {r.status === 'paused' && r.problem && (
          <Alert color="orange" variant="light" title="It paused itself" data-testid="ramp-problem">
            {r.problem.charAt(0).toUpperCase() + r.problem.slice(1)}. A ramp whose state was changed by hand cannot be resumed: cancel it and
            start a new one from the state as it is.
          </Alert>
        )}
        <ErrorAlert error={act.error} />
        {canEdit && isRunning(r) && (
          <Group>
            {r.status === 'active' ? (
              <Button variant="light" color="yellow" loading={busy && act.variables === 'pause'} disabled={busy} onClick={() => act.mutate('pause')}>
                Pause ramp
              </Button>
            ) : (
              <Button variant="light" loading={busy && act.variables === 'resume'} disabled={busy} onClick={() => act.mutate('resume')}>
                Resume ramp
              </Button>
            )}
            <ConfirmButton
              variant="default"
              disabled={busy}
              confirmLabel="Cancel the ramp"
              confirm={`The state stays as step ${r.step + 1} left it (${percent} % get ${r.variant}); no later step is taken. To roll back, edit the state.`}
              onConfirm={() => act.mutate('cancel')}
            >
              Cancel ramp…
            </ConfirmButton>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
