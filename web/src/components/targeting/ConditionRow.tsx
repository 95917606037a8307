/** One condition: a context attribute compared with a value, a segment, or raw JSON Logic. */
import { ActionIcon, Autocomplete, Checkbox, Group, NumberInput, Select, TagsInput, TextInput } from '@mantine/core';
import type { AttrCondition, AttrOperator, Condition, Scalar } from '../../lib/targeting/model';
import { OPERATORS, SEMVER_OPS } from '../../lib/targeting/model';
import { conditionToJson } from '../../lib/targeting/serialize';
import { JsonField } from './JsonField';

const COMMON_ATTRIBUTES = ['targetingKey', 'email', 'country', 'plan', 'userId', 'appVersion', 'browser', '$flagd.timestamp'];

type ValueType = 'string' | 'number' | 'boolean';

interface Props {
  label: string;
  value: Condition;
  segments: string[];
  readOnly?: boolean;
  error?: string;
  onChange: (c: Condition) => void;
  onRemove: () => void;
  onValidity?: (ok: boolean) => void;
}

function typeOf(v: Scalar | Scalar[]): ValueType {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' ? 'number' : typeof x === 'boolean' ? 'boolean' : 'string';
}

/** The value an operator expects when switching to it. */
function valueFor(op: AttrOperator, old: Scalar | Scalar[]): Scalar | Scalar[] {
  if (op === 'in_list') return Array.isArray(old) ? old : old === null || old === '' ? [] : [old];
  const first = Array.isArray(old) ? (old[0] ?? '') : old;
  if (['contains', 'starts_with', 'ends_with', 'sem_ver'].includes(op)) return first === null ? '' : String(first);
  return first;
}

function convertType(v: Scalar | Scalar[], t: ValueType): Scalar | Scalar[] {
  const one = (x: Scalar): Scalar =>
    t === 'number' ? (Number.isFinite(Number(x)) && x !== '' ? Number(x) : 0) : t === 'boolean' ? x === true || x === 'true' : x === null ? '' : String(x);
  return Array.isArray(v) ? v.map(one) : one(v);
}

function ValueInput({ c, label, readOnly, error, onChange }: { c: AttrCondition; label: string; readOnly?: boolean; error?: string; onChange: (v: Scalar | Scalar[]) => void }) {
  const t = typeOf(c.value);
  if (c.operator === 'in_list') {
    const list = Array.isArray(c.value) ? c.value : [c.value];
    return (
      <TagsInput
        aria-label={`${label}: values`}
        size="xs"
        style={{ flex: 1, minWidth: 160 }}
        placeholder="Type a value, press Enter"
        value={list.map((x) => String(x))}
        disabled={readOnly}
        error={error}
        onChange={(vals) => onChange(t === 'number' ? vals.map((x) => (Number.isFinite(Number(x)) ? Number(x) : x)) : vals)}
      />
    );
  }
  if (t === 'boolean') {
    return (
      <Select
        aria-label={`${label}: value`}
        size="xs"
        w={100}
        data={['true', 'false']}
        value={String(c.value)}
        disabled={readOnly}
        allowDeselect={false}
        onChange={(v) => onChange(v === 'true')}
      />
    );
  }
  if (t === 'number') {
    return (
      <NumberInput
        aria-label={`${label}: value`}
        size="xs"
        w={130}
        value={c.value as number}
        disabled={readOnly}
        error={error}
        onChange={(v) => onChange(typeof v === 'number' ? v : Number(v) || 0)}
      />
    );
  }
  return (
    <TextInput
      aria-label={`${label}: value`}
      size="xs"
      style={{ flex: 1, minWidth: 120 }}
      placeholder={c.operator === 'sem_ver' ? '1.2.3' : 'value'}
      value={c.value === null ? '' : String(c.value)}
      disabled={readOnly}
      error={error}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

export function ConditionRow({ label, value: c, segments, readOnly, error, onChange, onRemove, onValidity }: Props) {
  const kind = c.kind;
  const remove = (
    <ActionIcon variant="subtle" color="red" aria-label={`${label}: remove`} disabled={readOnly} onClick={onRemove}>
      ×
    </ActionIcon>
  );
  const kindSelect = (
    <Select
      aria-label={`${label}: kind`}
      size="xs"
      w={110}
      data={[
        { value: 'attr', label: 'Attribute' },
        { value: 'segment', label: 'Segment' },
        { value: 'raw', label: 'JSON' },
      ]}
      value={kind}
      disabled={readOnly}
      allowDeselect={false}
      onChange={(k) => {
        if (!k || k === kind) return;
        if (k === 'raw') onChange({ kind: 'raw', json: conditionToJson(c) });
        else if (k === 'segment') onChange({ kind: 'segment', segment: segments[0] ?? '', negate: c.kind !== 'raw' && c.negate });
        else onChange({ kind: 'attr', attribute: '', operator: '==', value: '', negate: c.kind !== 'raw' && c.negate });
      }}
    />
  );
  if (c.kind === 'raw') {
    return (
      <Group align="flex-start" gap="xs" wrap="nowrap">
        {kindSelect}
        <div style={{ flex: 1 }}>
          <JsonField label={`${label} (JSON Logic)`} value={c.json} readOnly={readOnly} error={error} onValidity={onValidity} onChange={(json) => onChange({ kind: 'raw', json })} minRows={2} />
        </div>
        {remove}
      </Group>
    );
  }
  const not = (
    <Checkbox
      size="xs"
      mt={7}
      label="not"
      aria-label={`${label}: not`}
      checked={c.negate}
      disabled={readOnly}
      onChange={(e) => onChange({ ...c, negate: e.currentTarget.checked })}
    />
  );
  if (c.kind === 'segment') {
    return (
      <Group gap="xs" wrap="wrap" align="flex-start">
        {kindSelect}
        {not}
        <Select
          aria-label={`${label}: segment`}
          size="xs"
          w={220}
          placeholder={segments.length ? 'Choose a segment' : 'No segments yet'}
          data={segments.includes(c.segment) || !c.segment ? segments : [...segments, c.segment]}
          value={c.segment || null}
          disabled={readOnly}
          error={error}
          allowDeselect={false}
          onChange={(v) => v && onChange({ ...c, segment: v })}
        />
        {remove}
      </Group>
    );
  }
  const typed = !['contains', 'starts_with', 'ends_with', 'sem_ver'].includes(c.operator);
  return (
    <Group gap="xs" wrap="wrap" align="flex-start">
      {kindSelect}
      {not}
      <Autocomplete
        aria-label={`${label}: attribute`}
        size="xs"
        w={150}
        placeholder="attribute"
        data={COMMON_ATTRIBUTES}
        value={c.attribute}
        disabled={readOnly}
        onChange={(v) => onChange({ ...c, attribute: v })}
      />
      <Select
        aria-label={`${label}: operator`}
        size="xs"
        w={190}
        data={OPERATORS}
        value={c.operator}
        disabled={readOnly}
        allowDeselect={false}
        onChange={(v) => {
          if (!v) return;
          const op = v as AttrOperator;
          onChange({ ...c, operator: op, value: valueFor(op, c.value), semver: op === 'sem_ver' ? (c.semver ?? '>=') : undefined });
        }}
      />
      {c.operator === 'sem_ver' && (
        <Select
          aria-label={`${label}: version comparison`}
          size="xs"
          w={70}
          data={[...SEMVER_OPS]}
          value={c.semver ?? '>='}
          disabled={readOnly}
          allowDeselect={false}
          onChange={(v) => v && onChange({ ...c, semver: v as AttrCondition['semver'] })}
        />
      )}
      {typed && (
        <Select
          aria-label={`${label}: value type`}
          size="xs"
          w={96}
          data={c.operator === 'in_list' ? ['string', 'number'] : ['string', 'number', 'boolean']}
          value={typeOf(c.value)}
          disabled={readOnly}
          allowDeselect={false}
          onChange={(t) => t && onChange({ ...c, value: convertType(c.value, t as ValueType) })}
        />
      )}
      <ValueInput c={c} label={label} readOnly={readOnly} error={error} onChange={(v) => onChange({ ...c, value: v })} />
      {remove}
    </Group>
  );
}
