/** Above a flag's state: it is ramping here, where it stands, and that a change by hand pauses it. */
import { Alert, Anchor } from '@mantine/core';
import type { Ramp } from '../../api/types';
import { isRunning, rampSummary } from '../../lib/ramps/progress';

export function RampNotice({ ramp, onOpen }: { ramp: Ramp | null | undefined; onOpen: () => void }) {
  if (!ramp || !isRunning(ramp)) return null;
  return (
    <Alert color={ramp.status === 'paused' ? 'yellow' : 'blue'} variant="light" title={ramp.status === 'paused' ? 'Ramp paused' : 'Ramping'} data-testid="ramp-notice">
      {rampSummary(ramp)} Saving a change to this state by hand pauses the ramp.{' '}
      <Anchor component="button" type="button" size="sm" onClick={onOpen}>
        Open the ramp
      </Anchor>
    </Alert>
  );
}
