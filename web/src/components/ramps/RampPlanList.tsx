/** A ramp's plan as a list of steps: each percentage of the variant and how long it holds. */
import { List, Stack, Text } from '@mantine/core';
import type { RampStep } from '../../api/types';
import { planDuration } from '../../lib/ramps/plan';
import { duration } from '../../lib/requests/schedule';

interface Props {
  variant: string;
  baseline: string;
  steps: RampStep[];
}

export function RampPlanList({ variant, baseline, steps }: Props) {
  return (
    <Stack gap={4} data-testid="ramp-plan">
      <Text size="sm">
        Serves <code>{variant}</code> to a growing share of contexts who reach the fall-through, <code>{baseline}</code> to the rest; the flag
        is turned on at the first step.
      </Text>
      <List type="ordered" size="sm" spacing={2}>
        {steps.map((s, i) => (
          <List.Item key={i} data-testid="ramp-plan-step">
            {s.percent} % {variant}
            {s.percent < 100 ? ` / ${100 - s.percent} % ${baseline}` : ''}, held {duration(s.holdMs)}
            {i === steps.length - 1 ? ', then the ramp completes' : ''}
          </List.Item>
        ))}
      </List>
      <Text size="xs" c="dimmed">
        {steps.length} step{steps.length === 1 ? '' : 's'}, {duration(planDuration(steps))} in all when nothing pauses it.
      </Text>
    </Stack>
  );
}
