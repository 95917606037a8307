/** One ordered rule: when its conditions hold, serve its result. */
import { ActionIcon, Alert, Button, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import type { Condition, Rule } from '../../lib/targeting/model';
import { ConditionRow } from './ConditionRow';
import { ResultEditor } from './ResultEditor';

interface Props {
  index: number;
  count: number;
  rule: Rule;
  variants: string[];
  segments: string[];
  readOnly?: boolean;
  /** Problems for this rule: `condition/N`, `condition`, `result` → messages. */
  problems: { at: string; message: string }[];
  onChange: (r: Rule) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
  validity: (key: string) => (ok: boolean) => void;
}

export function RuleCard({ index, count, rule, variants, segments, readOnly, problems, onChange, onMove, onRemove, validity }: Props) {
  const label = `Rule ${index + 1}`;
  const setCondition = (j: number, c: Condition) => onChange({ ...rule, conditions: rule.conditions.map((x, k) => (k === j ? c : x)) });
  const conditionError = (j: number) =>
    problems.filter((p) => p.at === `condition/${j}`).map((p) => p.message).join('; ') || undefined;
  const general = problems.filter((p) => p.at === 'condition' || p.at === 'result' || p.at === '');
  return (
    <Paper withBorder p="sm" data-testid="rule" aria-label={label} component="section">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Text fw={600} size="sm">
              {label}
            </Text>
            {rule.conditions.length > 1 && (
              <SegmentedControl
                size="xs"
                aria-label={`${label}: match`}
                disabled={readOnly}
                value={rule.match}
                data={[
                  { value: 'all', label: 'all of' },
                  { value: 'any', label: 'any of' },
                ]}
                onChange={(v) => onChange({ ...rule, match: v as Rule['match'] })}
              />
            )}
          </Group>
          <Group gap={4}>
            <ActionIcon variant="subtle" aria-label={`${label}: move up`} disabled={readOnly || index === 0} onClick={() => onMove(-1)}>
              ↑
            </ActionIcon>
            <ActionIcon variant="subtle" aria-label={`${label}: move down`} disabled={readOnly || index === count - 1} onClick={() => onMove(1)}>
              ↓
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" aria-label={`${label}: remove rule`} disabled={readOnly} onClick={onRemove}>
              ×
            </ActionIcon>
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {rule.conditions.length === 0 ? 'When: always (no conditions)' : 'When'}
        </Text>
        {rule.conditions.map((c, j) => (
          <ConditionRow
            key={j}
            label={`${label} condition ${j + 1}`}
            value={c}
            segments={segments}
            readOnly={readOnly}
            error={conditionError(j)}
            onValidity={validity(`rule${index}-cond${j}`)}
            onChange={(x) => setCondition(j, x)}
            onRemove={() => onChange({ ...rule, conditions: rule.conditions.filter((_, k) => k !== j) })}
          />
        ))}
        <Button
          size="xs"
          variant="subtle"
          w="fit-content"
          disabled={readOnly}
          onClick={() =>
            onChange({ ...rule, conditions: [...rule.conditions, { kind: 'attr', attribute: '', operator: '==', value: '', negate: false }] })
          }
        >
          Add condition
        </Button>
        <Text size="xs" c="dimmed">
          Serve
        </Text>
        <ResultEditor
          label={label}
          value={rule.result}
          variants={variants}
          readOnly={readOnly}
          onValidity={validity(`rule${index}-result`)}
          onChange={(result) => onChange({ ...rule, result })}
        />
        {general.length > 0 && (
          <Alert color="red" variant="light" role="alert" p="xs">
            {general.map((p, i) => (
              <Text key={i} size="sm">
                {p.message}
              </Text>
            ))}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
