/**
 * Asks before a switch flips in a critical environment, naming what it reaches: "Turn off
 * checkout-v2 in production: 3 rules, evaluated ~12,400 times in the last hour".
 */
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { Environment } from '../../api/types';
import { countRules, toggleSummary } from './blastRadius';
import { CRITICAL_COLOR } from '../../lib/critical';
import { useLastHourEvaluations } from './useLastHour';

export interface PendingToggle {
  env: Environment;
  flag: string;
  /** The state the switch goes to. */
  on: boolean;
  /** The state's targeting now (its rules are counted). */
  targeting: unknown;
}

interface Props {
  project: string;
  toggle: PendingToggle | null;
  onClose: () => void;
  onConfirm: () => void;
}

export function ToggleConfirm({ project, toggle, onClose, onConfirm }: Props) {
  const t = toggle;
  const evals = useLastHourEvaluations(project, t?.flag ?? '', t ? [t.env.id] : [], !!t);
  const summary = t ? toggleSummary({ flag: t.flag, env: t.env.name, on: t.on, rules: countRules(t.targeting), evaluations: evals.total }) : '';
  return (
    <Modal opened={!!t} onClose={onClose} title={t ? `Turn ${t.on ? 'on' : 'off'} ${t.flag} in ${t.env.name}?` : ''}>
      {t && (
        <Stack>
          <Alert color={CRITICAL_COLOR} variant="light" title={`${t.env.name} is a critical environment`}>
            <Text size="sm" data-testid="blast-radius">
              {summary}.
            </Text>
            {evals.counting && (
              <Text size="xs" c="dimmed">
                Counting evaluations in the last hour…
              </Text>
            )}
          </Alert>
          <Text size="sm">
            {t.on
              ? `Every SDK connected to ${t.env.name} starts serving ${t.flag} at once.`
              : `Every SDK connected to ${t.env.name} falls back to its code default at once.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button color={CRITICAL_COLOR} onClick={onConfirm} data-autofocus>
              Turn {t.on ? 'on' : 'off'} in {t.env.name}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
