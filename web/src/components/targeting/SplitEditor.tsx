/** A percentage split: one slider per variant, always summing to 100%. */
import { ActionIcon, Button, Group, NumberInput, Select, Slider, Stack, Text, TextInput } from '@mantine/core';
import type { Bucket } from '../../lib/targeting/model';
import { addBucket, rebalance, removeBucket } from '../../lib/targeting/split';

interface Props {
  label: string;
  buckets: Bucket[];
  bucketBy: string | null;
  variants: string[];
  readOnly?: boolean;
  onChange: (buckets: Bucket[], bucketBy: string | null) => void;
}

export function SplitEditor({ label, buckets, bucketBy, variants, readOnly, onChange }: Props) {
  const weights = buckets.map((b) => b.weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const setWeight = (i: number, v: number) => {
    const w = rebalance(weights, i, v);
    onChange(buckets.map((b, k) => ({ ...b, weight: w[k] })), bucketBy);
  };
  const unused = variants.filter((v) => !buckets.some((b) => b.variant === v));
  return (
    <Stack gap="xs" data-testid="split-editor">
      {buckets.map((b, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="center">
          <Select
            aria-label={`${label}: variant ${i + 1}`}
            size="xs"
            w={140}
            data={[b.variant, ...unused].filter((v, k, a) => v && a.indexOf(v) === k)}
            value={b.variant || null}
            disabled={readOnly}
            allowDeselect={false}
            onChange={(v) => v && onChange(buckets.map((x, k) => (k === i ? { ...x, variant: v } : x)), bucketBy)}
          />
          <Slider
            thumbLabel={`${label}: ${b.variant} percentage`}
            style={{ flex: 1, minWidth: 100 }}
            min={0}
            max={100}
            step={1}
            value={b.weight}
            disabled={readOnly || buckets.length < 2}
            label={(v) => `${v}%`}
            onChange={(v) => setWeight(i, v)}
          />
          <NumberInput
            aria-label={`${label}: ${b.variant} percent`}
            size="xs"
            w={76}
            min={0}
            max={100}
            suffix="%"
            clampBehavior="strict"
            allowDecimal={false}
            value={b.weight}
            disabled={readOnly || buckets.length < 2}
            onChange={(v) => setWeight(i, typeof v === 'number' ? v : Number(v) || 0)}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`${label}: remove ${b.variant}`}
            disabled={readOnly || buckets.length < 2}
            onClick={() => {
              const w = removeBucket(weights, i);
              onChange(buckets.filter((_, k) => k !== i).map((x, k) => ({ ...x, weight: w[k] })), bucketBy);
            }}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group gap="md" wrap="wrap">
        <Text size="sm" c={total === 100 ? 'dimmed' : 'red'} data-testid="split-total">
          Total: {total}%
        </Text>
        <Button
          size="xs"
          variant="subtle"
          disabled={readOnly || unused.length === 0}
          onClick={() => {
            const w = addBucket(weights);
            onChange([...buckets.map((x, k) => ({ ...x, weight: w[k] })), { variant: unused[0], weight: w[w.length - 1] }], bucketBy);
          }}
        >
          Add variant to split
        </Button>
        <TextInput
          size="xs"
          label="Bucket users by"
          w={220}
          placeholder="flagd default (targetingKey)"
          value={bucketBy ?? ''}
          disabled={readOnly}
          onChange={(e) => onChange(buckets, e.currentTarget.value.trim() === '' ? null : e.currentTarget.value)}
        />
      </Group>
    </Stack>
  );
}
