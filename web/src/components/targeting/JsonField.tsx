/** A JSON editor that reports a value only when the text parses; the parse error shows in place. */
import { JsonInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { Json } from '../../api/types';
import { deepEqual, parseJson, pretty } from '../../lib/json';

interface Props {
  label: string;
  value: Json | null;
  onChange: (v: Json) => void;
  /** Told whether the text currently parses (to hold back a save). */
  onValidity?: (ok: boolean) => void;
  error?: string;
  description?: string;
  readOnly?: boolean;
  minRows?: number;
  testId?: string;
}

export function JsonField({ label, value, onChange, onValidity, error, description, readOnly, minRows = 3, testId }: Props) {
  const [text, setText] = useState(() => pretty(value));
  const [parseError, setParseError] = useState<string | null>(null);
  const last = useRef<Json | null>(value);
  const validity = useRef(onValidity);
  validity.current = onValidity;
  // A field that goes away holds nothing back.
  useEffect(() => () => validity.current?.(true), []);

  // A new value from outside (another tab, a reload) replaces the text, unless it is what we sent.
  useEffect(() => {
    if (!deepEqual(value, last.current)) {
      last.current = value;
      setText(pretty(value));
      setParseError(null);
      onValidity?.(true);
    }
  }, [value, onValidity]);

  return (
    <JsonInput
      label={label}
      description={description}
      value={text}
      readOnly={readOnly}
      autosize
      minRows={minRows}
      maxRows={24}
      data-testid={testId}
      styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 13 } }}
      error={parseError ? `Not valid JSON: ${parseError}` : error}
      onChange={(t) => {
        setText(t);
        const r = parseJson(t);
        if (r.ok) {
          setParseError(null);
          last.current = r.value;
          onValidity?.(true);
          onChange(r.value);
        } else {
          setParseError(r.error);
          onValidity?.(false);
        }
      }}
    />
  );
}
