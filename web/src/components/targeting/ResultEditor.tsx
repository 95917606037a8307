/** What a rule serves: one variant, a percentage split, or raw JSON Logic. */
import { SegmentedControl, Select, Stack } from '@mantine/core';
import type { Result } from '../../lib/targeting/model';
import { resultToJson } from '../../lib/targeting/serialize';
import { evenWeights } from '../../lib/targeting/split';
import { JsonField } from './JsonField';
import { SplitEditor } from './SplitEditor';

interface Props {
  label: string;
  value: Result;
  variants: string[];
  readOnly?: boolean;
  onChange: (r: Result) => void;
  onValidity?: (ok: boolean) => void;
}

function convert(r: Result, kind: Result['kind'], variants: string[]): Result {
  if (kind === r.kind) return r;
  if (kind === 'raw') return { kind: 'raw', json: resultToJson(r) };
  if (kind === 'variant') {
    return { kind: 'variant', variant: r.kind === 'split' ? (r.buckets[0]?.variant ?? variants[0] ?? '') : (variants[0] ?? '') };
  }
  const chosen = r.kind === 'variant' && r.variant ? [r.variant, ...variants.filter((v) => v !== r.variant)] : variants;
  const names = chosen.slice(0, Math.max(2, Math.min(chosen.length, 2)));
  const w = evenWeights(names.length);
  return { kind: 'split', bucketBy: 'targetingKey', buckets: names.map((v, i) => ({ variant: v, weight: w[i] })) };
}

export function ResultEditor({ label, value, variants, readOnly, onChange, onValidity }: Props) {
  return (
    <Stack gap="xs">
      <SegmentedControl
        size="xs"
        w="fit-content"
        aria-label={`${label}: serve`}
        disabled={readOnly}
        value={value.kind}
        data={[
          { value: 'variant', label: 'Variant' },
          { value: 'split', label: 'Percentage split' },
          { value: 'raw', label: 'JSON' },
        ]}
        onChange={(k) => onChange(convert(value, k as Result['kind'], variants))}
      />
      {value.kind === 'variant' && (
        <Select
          aria-label={`${label}: variant`}
          size="xs"
          w={200}
          data={variants.includes(value.variant) || !value.variant ? variants : [...variants, value.variant]}
          value={value.variant || null}
          placeholder="Choose a variant"
          disabled={readOnly}
          allowDeselect={false}
          onChange={(v) => v && onChange({ kind: 'variant', variant: v })}
        />
      )}
      {value.kind === 'split' && (
        <SplitEditor
          label={label}
          buckets={value.buckets}
          bucketBy={value.bucketBy}
          variants={variants}
          readOnly={readOnly}
          onChange={(buckets, bucketBy) => onChange({ kind: 'split', buckets, bucketBy })}
        />
      )}
      {value.kind === 'raw' && (
        <JsonField
          label={`${label} (JSON Logic)`}
          description="Should give a variant name"
          value={value.json}
          readOnly={readOnly}
          onValidity={onValidity}
          onChange={(json) => onChange({ kind: 'raw', json })}
        />
      )}
    </Stack>
  );
}
