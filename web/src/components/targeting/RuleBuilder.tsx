/** Ordered targeting rules, then what everyone else gets. */
import { Alert, Button, Group, Paper, Stack, Switch, Text } from '@mantine/core';
import type { Result, Rule, Targeting } from '../../lib/targeting/model';
import { ResultEditor } from './ResultEditor';
import { RuleCard } from './RuleCard';

interface Props {
  value: Extract<Targeting, { kind: 'rules' }>;
  variants: string[];
  segments: string[];
  readOnly?: boolean;
  /** Builder and API problems: `rules/N/...`, `otherwise` → messages. */
  problems: { at: string; message: string }[];
  onChange: (t: Targeting) => void;
  validity: (key: string) => (ok: boolean) => void;
}

function move<T>(list: T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (j < 0 || j >= list.length) return list;
  const out = [...list];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

export function RuleBuilder({ value, variants, segments, readOnly, problems, onChange, validity }: Props) {
  const setRules = (rules: Rule[]) => onChange({ ...value, rules });
  const rulesProblems = (i: number) =>
    problems
      .filter((p) => p.at === `rules/${i}` || p.at.startsWith(`rules/${i}/`))
      .map((p) => ({ at: p.at.slice(`rules/${i}/`.length).replace(/^condition\/(\d+)$/, 'condition/$1'), message: p.message }));
  const otherwiseProblems = problems.filter((p) => p.at === 'otherwise');
  const newRule = (): Rule => ({
    match: 'all',
    conditions: [{ kind: 'attr', attribute: 'email', operator: 'ends_with', value: '', negate: false }],
    result: { kind: 'variant', variant: variants[0] ?? '' },
  });
  return (
    <Stack gap="sm" data-testid="rule-builder">
      {value.rules.length === 0 && (
        <Text size="sm" c="dimmed">
          No rules: everyone gets the same value.
        </Text>
      )}
      {value.rules.map((r, i) => (
        <RuleCard
          key={i}
          index={i}
          count={value.rules.length}
          rule={r}
          variants={variants}
          segments={segments}
          readOnly={readOnly}
          problems={rulesProblems(i)}
          validity={validity}
          onChange={(x) => setRules(value.rules.map((y, k) => (k === i ? x : y)))}
          onMove={(d) => setRules(move(value.rules, i, d))}
          onRemove={() => setRules(value.rules.filter((_, k) => k !== i))}
        />
      ))}
      <Button size="xs" variant="light" w="fit-content" disabled={readOnly} onClick={() => setRules([...value.rules, newRule()])}>
        Add rule
      </Button>
      <Paper withBorder p="sm" component="section" aria-label="Everyone else">
        <Stack gap="xs">
          <Group justify="space-between">
            <Text fw={600} size="sm">
              {value.rules.length ? 'Everyone else' : 'Everyone'}
            </Text>
            <Switch
              size="xs"
              label="Serve something other than the default variant"
              checked={value.otherwise !== null}
              disabled={readOnly}
              onChange={(e) =>
                onChange({
                  ...value,
                  otherwise: e.currentTarget.checked ? ({ kind: 'variant', variant: variants[0] ?? '' } as Result) : null,
                })
              }
            />
          </Group>
          {value.otherwise ? (
            <ResultEditor
              label="Everyone else"
              value={value.otherwise}
              variants={variants}
              readOnly={readOnly}
              onValidity={validity('otherwise')}
              onChange={(otherwise) => onChange({ ...value, otherwise })}
            />
          ) : (
            <Text size="sm" c="dimmed">
              The default variant.
            </Text>
          )}
          {otherwiseProblems.length > 0 && (
            <Alert color="red" variant="light" role="alert" p="xs">
              {otherwiseProblems.map((p, i) => (
                <Text key={i} size="sm">
                  {p.message}
                </Text>
              ))}
            </Alert>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
