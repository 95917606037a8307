/** A ramp's steps as editable rows: a percentage and a hold (a number and a unit) each. */
import { Button, CloseButton, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { type HoldUnit, MAX_STEPS, type StepDraft, UNITS } from '../../lib/ramps/plan';

interface Props {
  value: StepDraft[];
  onChange: (v: StepDraft[]) => void;
  /** Problems by field: `steps`, `steps/N/percent`, `steps/N/holdMs`. */
  problems: Record<string, string>;
  disabled?: boolean;
}

const num = (v: string | number): number | '' => (typeof v === 'number' ? v : v === '' ? '' : Number(v));

export function RampStepsEditor({ value, onChange, problems, disabled }: Props) {
  const set = (i: number, s: Partial<StepDraft>) => onChange(value.map((x, j) => (j === i ? { ...x, ...s } : x)));
  const add = () => {
    const last = value[value.length - 1];
    const percent = typeof last?.percent === 'number' ? Math.min(100, last.percent * 2 || 1) : 1;
    onChange([...value, { percent, hold: last?.hold ?? 1, unit: last?.unit ?? 'h' }]);
  };
  return (
    <Stack gap={6}>
      {value.map((s, i) => (
        <Group key={i} gap="xs" align="flex-start" wrap="nowrap" data-testid="ramp-step">
          <Text size="sm" w={56} mt={8} c="dimmed">
            Step {i + 1}
          </Text>
          <NumberInput
            aria-label={`Step ${i + 1}: percent`}
            w={110}
            min={1}
            max={100}
            suffix=" %"
            allowDecimal={false}
            value={s.percent}
            disabled={disabled}
            error={problems[`steps/${i}/percent`]}
            onChange={(v) => set(i, { percent: num(v) })}
          />
          <Text size="sm" mt={8}>
            held
          </Text>
          <NumberInput
            aria-label={`Step ${i + 1}: hold`}
            w={90}
            min={1}
            value={s.hold}
            disabled={disabled}
            error={problems[`steps/${i}/holdMs`]}
            onChange={(v) => set(i, { hold: num(v) })}
          />
          <Select
            aria-label={`Step ${i + 1}: unit`}
            w={120}
            data={UNITS}
            value={s.unit}
            allowDeselect={false}
            disabled={disabled}
            onChange={(u) => u && set(i, { unit: u as HoldUnit })}
          />
          {!disabled && value.length > 1 && <CloseButton mt={6} aria-label={`Remove step ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))} />}
        </Group>
      ))}
      {problems.steps && (
        <Text size="sm" c="red" role="alert">
          {problems.steps}
        </Text>
      )}
      {!disabled && (
        <Button size="xs" variant="subtle" w="fit-content" disabled={value.length >= MAX_STEPS} onClick={add}>
          Add step
        </Button>
      )}
    </Stack>
  );
}
