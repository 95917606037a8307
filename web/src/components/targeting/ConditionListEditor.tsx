/** A condition made of several (all of / any of), as a segment's rule; or raw JSON Logic. */
import { Button, SegmentedControl, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import type { Json } from '../../api/types';
import { parseRuleCondition } from '../../lib/targeting/parse';
import { ruleConditionToJson } from '../../lib/targeting/serialize';
import { ConditionRow } from './ConditionRow';
import { JsonField } from './JsonField';

interface Props {
  value: Json;
  onChange: (v: Json) => void;
  segments: string[];
  readOnly?: boolean;
  onValidity?: (ok: boolean) => void;
}

export function ConditionListEditor({ value, onChange, segments, readOnly, onValidity }: Props) {
  const [tab, setTab] = useState<string | null>('builder');
  const parsed = parseRuleCondition(value);
  const set = (p: typeof parsed) => onChange(ruleConditionToJson(p));
  return (
    <Tabs value={tab} onChange={setTab} keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="builder">Conditions</Tabs.Tab>
        <Tabs.Tab value="json">JSON Logic</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="builder" pt="sm">
        <Stack gap="xs">
          {parsed.conditions.length > 1 && (
            <SegmentedControl
              size="xs"
              w="fit-content"
              aria-label="Match"
              disabled={readOnly}
              value={parsed.match}
              data={[
                { value: 'all', label: 'all of' },
                { value: 'any', label: 'any of' },
              ]}
              onChange={(m) => set({ ...parsed, match: m as 'all' | 'any' })}
            />
          )}
          {parsed.conditions.length === 0 && <Text size="sm" c="dimmed">No conditions: matches everyone.</Text>}
          {parsed.conditions.map((c, i) => (
            <ConditionRow
              key={i}
              label={`Condition ${i + 1}`}
              value={c}
              segments={segments}
              readOnly={readOnly}
              onValidity={onValidity}
              onChange={(x) => set({ ...parsed, conditions: parsed.conditions.map((y, k) => (k === i ? x : y)) })}
              onRemove={() => set({ ...parsed, conditions: parsed.conditions.filter((_, k) => k !== i) })}
            />
          ))}
          <Button
            size="xs"
            variant="subtle"
            w="fit-content"
            disabled={readOnly}
            onClick={() => set({ ...parsed, conditions: [...parsed.conditions, { kind: 'attr', attribute: '', operator: '==', value: '', negate: false }] })}
          >
            Add condition
          </Button>
        </Stack>
      </Tabs.Panel>
      <Tabs.Panel value="json" pt="sm">
        <JsonField label="Rule (JSON Logic)" value={value} onChange={onChange} onValidity={onValidity} readOnly={readOnly} minRows={6} />
      </Tabs.Panel>
    </Tabs>
  );
}
