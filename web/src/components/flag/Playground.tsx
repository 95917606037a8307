/** Evaluate the flag for a context, as the engine would: value, variant, reason, prerequisites, matching rule. */
import { Badge, Button, Code, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { evaluateFlag } from '../../api/flags';
import type { Environment, Json, Prerequisite } from '../../api/types';
import { isPlainObject } from '../../lib/json';
import { ErrorAlert } from '../ErrorAlert';
import { JsonField } from '../targeting/JsonField';
import { PlaygroundPrerequisites } from './PlaygroundPrerequisites';

interface Props {
  project: string;
  env: Environment;
  flagKey: string;
  /** The saved state's prerequisites, to say what each needs. */
  prerequisites?: Prerequisite[];
}

export function Playground({ project, env, flagKey, prerequisites }: Props) {
  const [context, setContext] = useState<Json>({ targetingKey: 'user-1', email: 'ada@example.com' });
  const [ok, setOk] = useState(true);
  const [notObject, setNotObject] = useState(false);
  const run = useMutation({ mutationFn: () => evaluateFlag(project, env.id, flagKey, context) });
  const r = run.data;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Evaluates the saved configuration in {env.name}. Unsaved changes are not used.
      </Text>
      <JsonField label="Evaluation context" description="targetingKey and any attributes" value={context} onChange={setContext} onValidity={setOk} minRows={4} testId="playground-context" />
      {notObject && <Text c="red" size="sm">The context must be a JSON object.</Text>}
      <Button
        w="fit-content"
        disabled={!ok}
        loading={run.isPending}
        onClick={() => {
          const obj = isPlainObject(context);
          setNotObject(!obj);
          if (obj) run.mutate();
        }}
      >
        Evaluate
      </Button>
      <ErrorAlert error={run.error} />
      {r && (
        <Paper withBorder p="md" data-testid="playground-result">
          <Stack gap="xs">
            <Group gap="lg" wrap="wrap">
              <div>
                <Text size="xs" c="dimmed">Value</Text>
                <Code data-testid="playground-value">{r.value === null || r.value === undefined ? '(code default)' : JSON.stringify(r.value)}</Code>
              </div>
              <div>
                <Text size="xs" c="dimmed">Variant</Text>
                <Text fw={600}>{r.variant ?? '—'}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">Reason</Text>
                <Badge data-testid="playground-reason">{r.reason}</Badge>
              </div>
              <div>
                <Text size="xs" c="dimmed">Matched</Text>
                <Text data-testid="playground-matched">
                  {r.failedPrerequisite ? `prerequisite ${r.failedPrerequisite}` : r.matchedRule == null ? 'no rule' : `Rule ${r.matchedRule + 1}`}
                </Text>
              </div>
            </Group>
            <PlaygroundPrerequisites result={r} required={prerequisites} />
            {r.errorCode && (
              <Text c="red" size="sm">
                {r.errorCode}: {r.errorMessage}
              </Text>
            )}
            {r.operatorError && (
              <Text c="orange" size="sm">
                An operator failed and counted as false (null): {r.operatorError}
              </Text>
            )}
            {r.split && (
              <Text size="sm">
                Split: bucketing key <code>{r.split.bucketingKey}</code> landed in bucket {r.split.bucket} of {r.split.totalWeight} (weights{' '}
                {r.split.weights.join(' / ')}).
              </Text>
            )}
            {r.rules.length > 0 && (
              <Table withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Rule</Table.Th>
                    <Table.Th>Condition gave</Table.Th>
                    <Table.Th>Matched</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.rules.map((t) => (
                    <Table.Tr key={t.index}>
                      <Table.Td>Rule {t.index + 1}</Table.Td>
                      <Table.Td>
                        <code>{JSON.stringify(t.result)}</code>
                      </Table.Td>
                      <Table.Td>{t.matched ? 'yes' : 'no'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
