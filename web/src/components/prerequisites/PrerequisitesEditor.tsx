/**
 * A flag state's prerequisites: other flags of the project that must evaluate here to one of the
 * chosen variants before this flag's rules apply. Each row picks a flag and its variants; the
 * whole is said in words below. Problems, found here or by the API (JSON Pointers under
 * `/prerequisites`), show at the field they name; a cycle or a chain too long under the list.
 */
import { Alert, Button, CloseButton, Group, MultiSelect, Paper, Select, Stack, Text, Title } from '@mantine/core';
import type { Flag, Prerequisite } from '../../api/types';
import { MAX_PREREQUISITES, type PrerequisiteProblems } from '../../lib/prerequisites/validate';
import { PrerequisitesText } from './PrerequisitesText';

interface Props {
  value: Prerequisite[];
  onChange: (v: Prerequisite[]) => void;
  /** The project's flags (those it may name, and their variants). */
  flags: Flag[];
  /** The flag whose state this is. */
  self: string;
  defaultVariant: string | null;
  readOnly?: boolean;
  /** What to show at each field (`prerequisites/N/flag`, `prerequisites/N/variants`, `prerequisites`). */
  problems: PrerequisiteProblems;
}

export function PrerequisitesEditor({ value, onChange, flags, self, defaultVariant, readOnly, problems }: Props) {
  const set = (i: number, p: Prerequisite) => onChange(value.map((x, j) => (j === i ? p : x)));
  const remove = (i: number) => onChange(value.filter((_, j) => j !== i));
  const candidates = flags.filter((f) => f.key !== self && !f.archived);
  return (
    <Paper withBorder p="md" component="section" aria-label="Prerequisites">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h6">
            Prerequisites
          </Title>
          {!readOnly && (
            <Button size="xs" variant="light" disabled={value.length >= MAX_PREREQUISITES} onClick={() => onChange([...value, { flag: '', variants: [] }])}>
              Add prerequisite
            </Button>
          )}
        </Group>
        {value.length === 0 ? (
          <Text size="sm" c="dimmed">
            None: its rules apply whatever other flags serve.{!readOnly && ' Add one to serve its rules only when another flag here serves given variants.'}
          </Text>
        ) : (
          value.map((p, i) => {
            const flag = flags.find((f) => f.key === p.flag);
            const options = candidates.map((f) => ({ value: f.key, label: f.name && f.name !== f.key ? `${f.key} (${f.name})` : f.key }));
            // A flag no longer offered (archived, deleted) stays visible as it is.
            if (p.flag && !options.some((o) => o.value === p.flag)) options.push({ value: p.flag, label: p.flag });
            return (
              <Group key={i} align="flex-start" wrap="wrap" data-testid="prerequisite-row">
                <Select
                  label="Flag"
                  aria-label={`Prerequisite ${i + 1}: flag`}
                  w={220}
                  searchable
                  data={options}
                  value={p.flag || null}
                  placeholder="Choose a flag"
                  disabled={readOnly}
                  allowDeselect={false}
                  error={problems[`prerequisites/${i}/flag`]}
                  onChange={(v) => v && set(i, { flag: v, variants: [] })}
                />
                <MultiSelect
                  label="is one of"
                  aria-label={`Prerequisite ${i + 1}: variants`}
                  miw={220}
                  data={(flag?.variants ?? []).map((v) => v.name)}
                  value={p.variants}
                  placeholder={p.flag ? 'Choose variants' : 'Choose a flag first'}
                  disabled={readOnly || !p.flag}
                  error={problems[`prerequisites/${i}/variants`]}
                  onChange={(variants) => set(i, { ...p, variants })}
                />
                {!readOnly && <CloseButton mt={24} aria-label={`Remove prerequisite ${i + 1}`} onClick={() => remove(i)} />}
              </Group>
            );
          })
        )}
        {problems.prerequisites && (
          <Alert color="red" variant="light" role="alert" data-testid="prerequisites-problem">
            {problems.prerequisites.charAt(0).toUpperCase() + problems.prerequisites.slice(1)}.
          </Alert>
        )}
        <PrerequisitesText prerequisites={value.filter((p) => p.flag && p.variants.length)} defaultVariant={defaultVariant} />
      </Stack>
    </Paper>
  );
}
