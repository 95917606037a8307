/**
 * A flag's ramp in one environment: the running one's progress, or the last one's outcome and a
 * plan for a new one; a ramp proposed in an open change request is linked.
 */
import { Alert, Anchor, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useRamp } from '../../api/ramps';
import { useActiveRequests } from '../../api/requests';
import type { Environment, Flag, FlagState } from '../../api/types';
import { isRunning } from '../../lib/ramps/progress';
import { requestPath } from '../../scope';
import { ErrorAlert } from '../ErrorAlert';
import { RampEditor } from './RampEditor';
import { RampProgress } from './RampProgress';

interface Props {
  project: string;
  env: Environment;
  flag: Flag;
  state: FlagState | undefined;
  canEdit: boolean;
}

export function RampPanel({ project, env, flag, state, canEdit }: Props) {
  const { org = '', env: envKey = '' } = useParams();
  const ramp = useRamp(project, env.id, flag.key);
  const requests = useActiveRequests(project);
  const proposed = requests.items.filter((r) => r.changes.some((c) => c.kind === 'ramp' && c.flag === flag.key && c.environmentId === env.id));
  if (ramp.error) return <ErrorAlert error={ramp.error} />;
  if (ramp.data === undefined || !state) {
    return (
      <Center h={120}>
        <Loader aria-label="Loading the ramp" />
      </Center>
    );
  }
  const r = ramp.data;
  const running = r !== null && isRunning(r);
  return (
    <Stack>
      {proposed.map((req) => (
        <Alert key={req.id} color="violet" variant="light" data-testid="ramp-proposed">
          A ramp of {flag.key} in {env.name} is proposed in{' '}
          <Anchor component={Link} to={requestPath(org, project, envKey, req.id)}>
            {req.title}
          </Anchor>{' '}
          ({req.status}); it starts when that request is applied.
        </Alert>
      ))}
      {r && <RampProgress project={project} env={env} ramp={r} canEdit={canEdit} />}
      {!running && (
        <>
          {r === null && (
            <Text size="sm" c="dimmed">
              {flag.key} has never ramped in {env.name}.
            </Text>
          )}
          {canEdit ? (
            <RampEditor key={`${env.id}/${flag.key}`} project={project} env={env} flag={flag} state={state} canEdit={canEdit} />
          ) : (
            <Title order={2} size="h5" c="dimmed">
              An editor can plan a ramp here.
            </Title>
          )}
        </>
      )}
      {running && (
        <Text size="sm" c="dimmed">
          One ramp per flag and environment at a time: cancel this one to plan another.
        </Text>
      )}
    </Stack>
  );
}
