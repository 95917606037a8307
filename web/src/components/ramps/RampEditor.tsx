/**
 * Planning a ramp of a flag in one environment: the variant ramped to, the variant everyone else
 * keeps, and the steps (a preset, or percentages and holds typed in), checked as the API checks
 * them. Where the environment requires approval the plan is proposed in a change request (a
 * change of kind `ramp`, made on the state's version); elsewhere it starts at once.
 */
import { Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { flagKeys } from '../../api/flags';
import { rampKeys, startRamp } from '../../api/ramps';
import { ApiError } from '../../api/client';
import type { Environment, Flag, FlagState } from '../../api/types';
import { initialVariants, planDuration, planText, PRESETS, stepDraft, stepProblems, stepsOf, variantProblems, type StepDraft } from '../../lib/ramps/plan';
import { rampChange, rampTitle } from '../../lib/requests/proposal';
import { duration } from '../../lib/requests/schedule';
import { policyText } from '../../lib/requests/status';
import { ApprovalRequiredAlert } from '../requests/ApprovalRequiredAlert';
import { ProposeModal } from '../requests/ProposeModal';
import { RampStepsEditor } from './RampStepsEditor';

interface Props {
  project: string;
  env: Environment;
  flag: Flag;
  /** The state as read: the ramp is made on its version. */
  state: FlagState;
  canEdit: boolean;
}

/** The API's problems by field (`variant`, `steps/0/percent`, …). */
function apiProblems(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) for (const p of err.problems) out[p.path.replace(/^\//, '')] ??= p.message;
  return out;
}

export function RampEditor({ project, env, flag, state, canEdit }: Props) {
  const qc = useQueryClient();
  const names = flag.variants.map((v) => v.name);
  const initial = initialVariants(flag, state.defaultVariant);
  const [baseline, setBaseline] = useState<string | null>(initial.baseline);
  const [variant, setVariant] = useState<string | null>(initial.variant);
  const [preset, setPreset] = useState<string | null>(PRESETS[0].value);
  const [steps, setSteps] = useState<StepDraft[]>(PRESETS[0].steps.map(stepDraft));
  const [tried, setTried] = useState(false);
  const [proposing, setProposing] = useState(false);
  const policy = env.approval ?? null;
  const plan = { variant: variant ?? '', baseline: baseline ?? '', steps: stepsOf(steps) };
  const local = { ...variantProblems(variant, baseline), ...stepProblems(plan.steps) };

  const start = useMutation({
    mutationFn: () => startRamp(project, env.id, flag.key, { ...plan, version: state.version }),
    onSuccess: (r) => {
      setTried(false);
      qc.setQueryData(rampKeys.one(project, env.id, flag.key), r);
      void qc.invalidateQueries({ queryKey: rampKeys.all(project) });
      void qc.invalidateQueries({ queryKey: flagKeys.state(project, env.id, flag.key) });
      void qc.invalidateQueries({ queryKey: flagKeys.flagd(project, env.id) });
      notifications.show({ message: `Ramp of ${flag.key} started in ${env.name}: ${r.steps[0].percent} % get ${r.variant}`, color: 'green' });
    },
  });
  const proposal = () => ({ changes: [rampChange(env.id, flag.key, state.version, plan)], title: rampTitle(flag.key, env.name, plan) });
  const problems = { ...apiProblems(start.error), ...(tried ? local : {}) };
  const go = () => {
    setTried(true);
    if (Object.keys(local).length > 0) return;
    if (policy) setProposing(true);
    else start.mutate();
  };
  const disabled = !canEdit || start.isPending;
  const valid = Object.keys(stepProblems(plan.steps)).length === 0;

  return (
    <Paper withBorder p="md" component="section" aria-label={`Plan a ramp in ${env.name}`}>
      <Stack gap="sm">
        <Title order={2} size="h5">
          Plan a ramp in {env.name}
        </Title>
        <Text size="sm" c="dimmed">
          Each step serves the variant to a growing share of the contexts that reach the fall-through (what is served when no rule
          matches); rules above it keep serving what they serve, and a user keeps their bucket as the share grows. The flag is turned on at
          the first step. Changing the state by hand while it runs pauses the ramp.
        </Text>
        <Group align="flex-start" wrap="wrap">
          <Select label="Ramp to" w={180} data={names} value={variant} allowDeselect={false} disabled={disabled} error={problems.variant} onChange={setVariant} />
          <Select label="Everyone else gets" w={180} data={names} value={baseline} allowDeselect={false} disabled={disabled} error={problems.baseline} onChange={setBaseline} />
          <Select
            label="Steps from a preset"
            w={330}
            data={PRESETS.map((p) => ({ value: p.value, label: p.label }))}
            value={preset}
            placeholder="Your own steps"
            disabled={disabled}
            onChange={(v) => {
              setPreset(v);
              const p = PRESETS.find((x) => x.value === v);
              if (p) setSteps(p.steps.map(stepDraft));
            }}
          />
        </Group>
        <RampStepsEditor
          value={steps}
          disabled={disabled}
          problems={problems}
          onChange={(s) => {
            setSteps(s);
            setPreset(null);
          }}
        />
        {valid && (
          <Text size="sm" data-testid="ramp-editor-summary">
            {planText(plan.steps)} of {variant ?? 'the variant'}: {duration(planDuration(plan.steps))} in all when nothing pauses it.
          </Text>
        )}
        <ApprovalRequiredAlert error={start.error} propose={proposal} />
        {canEdit && (
          <Group>
            <Button onClick={go} loading={start.isPending}>
              {policy ? 'Propose ramp…' : 'Start ramp'}
            </Button>
            {policy && (
              <Text size="xs" c="dimmed">
                {env.name} requires approval: the plan is proposed as a change request and starts when it is applied ({policyText(policy).toLowerCase()}).
              </Text>
            )}
          </Group>
        )}
      </Stack>
      <ProposeModal
        opened={proposing}
        onClose={() => setProposing(false)}
        changes={proposal().changes}
        defaultTitle={proposal().title}
        note={
          <Text size="sm" c="dimmed">
            The ramp starts when the request is applied; its steps then advance by themselves.
          </Text>
        }
      />
    </Paper>
  );
}
