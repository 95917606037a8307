/** Editing a list of variants: a name and a typed value each (JSON for objects). */
import { ActionIcon, Button, Group, JsonInput, Select, Stack, TextInput } from '@mantine/core';
import type { FlagType, Json, Variant } from '../../api/types';
import { KEY_HINT, KEY_RE, parseValue, valueToText } from '../../lib/values';

export interface VariantRow {
  name: string;
  text: string;
}

export const rowsOf = (type: FlagType, vs: Variant[]): VariantRow[] => vs.map((v) => ({ name: v.name, text: valueToText(type, v.value as Json) }));

/** Problems per row (`name` / `value`), or the variants to send. */
export function checkRows(type: FlagType, rows: VariantRow[]): { errors: Record<string, string>; variants: Variant[] | null } {
  const errors: Record<string, string> = {};
  const variants: Variant[] = [];
  if (rows.length === 0) errors.list = 'A flag needs at least one variant';
  rows.forEach((r, i) => {
    if (!KEY_RE.test(r.name)) errors[`${i}.name`] = KEY_HINT;
    else if (rows.findIndex((x) => x.name === r.name) !== i) errors[`${i}.name`] = 'This name is used twice';
    const p = parseValue(type, r.text);
    if (!p.ok) errors[`${i}.value`] = `The value ${p.error}`;
    else variants.push({ name: r.name, value: p.value });
  });
  return { errors, variants: Object.keys(errors).length ? null : variants };
}

interface Props {
  type: FlagType;
  rows: VariantRow[];
  errors: Record<string, string>;
  readOnly?: boolean;
  onChange: (rows: VariantRow[]) => void;
}

export function VariantRows({ type, rows, errors, readOnly, onChange }: Props) {
  const set = (i: number, patch: Partial<VariantRow>) => onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  return (
    <Stack gap="xs" data-testid="variants-editor">
      {rows.map((r, i) => (
        <Group key={i} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            label={i === 0 ? 'Name' : undefined}
            aria-label={`Variant ${i + 1} name`}
            w={180}
            value={r.name}
            disabled={readOnly}
            error={errors[`${i}.name`]}
            onChange={(e) => set(i, { name: e.currentTarget.value })}
          />
          <div style={{ flex: 1 }}>
            {type === 'object' ? (
              <JsonInput
                label={i === 0 ? 'Value (JSON)' : undefined}
                aria-label={`Variant ${i + 1} value`}
                autosize
                minRows={2}
                maxRows={12}
                value={r.text}
                disabled={readOnly}
                error={errors[`${i}.value`]}
                styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 13 } }}
                onChange={(t) => set(i, { text: t })}
              />
            ) : type === 'boolean' ? (
              <Select
                label={i === 0 ? 'Value' : undefined}
                aria-label={`Variant ${i + 1} value`}
                w={120}
                data={['true', 'false']}
                value={r.text}
                disabled={readOnly}
                error={errors[`${i}.value`]}
                allowDeselect={false}
                onChange={(v) => v && set(i, { text: v })}
              />
            ) : (
              <TextInput
                label={i === 0 ? `Value (${type})` : undefined}
                aria-label={`Variant ${i + 1} value`}
                inputMode={type === 'string' ? 'text' : 'decimal'}
                value={r.text}
                disabled={readOnly}
                error={errors[`${i}.value`]}
                onChange={(e) => set(i, { text: e.currentTarget.value })}
              />
            )}
          </div>
          <ActionIcon
            mt={i === 0 ? 28 : 6}
            variant="subtle"
            color="red"
            aria-label={`Remove variant ${r.name || i + 1}`}
            disabled={readOnly || rows.length <= 1}
            onClick={() => onChange(rows.filter((_, k) => k !== i))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button
        size="xs"
        variant="subtle"
        w="fit-content"
        disabled={readOnly}
        onClick={() => onChange([...rows, { name: `variant-${rows.length + 1}`, text: type === 'boolean' ? 'false' : type === 'object' ? '{}' : '' }])}
      >
        Add variant
      </Button>
    </Stack>
  );
}
