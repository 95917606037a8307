/**
 * A flag's targeting in one environment: the rule builder, or the whole JSON Logic as text.
 * Problems show where they are: the builder's own checks, and the engine's (the API's 422 details,
 * each with a JSON Pointer) on the rule, condition or result they point at.
 */
import { Alert, List, Stack, Tabs, Text } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Json } from '../../api/types';
import { problemsUnder } from '../../lib/errors';
import { deepEqual } from '../../lib/json';
import { locate } from '../../lib/targeting/locate';
import type { Targeting } from '../../lib/targeting/model';
import { parseTargeting } from '../../lib/targeting/parse';
import { targetingToJson } from '../../lib/targeting/serialize';
import { validateTargeting } from '../../lib/targeting/validate';
import { JsonField } from './JsonField';
import { RuleBuilder } from './RuleBuilder';

interface Props {
  value: Targeting;
  onChange: (t: Targeting) => void;
  variants: string[];
  segments: string[];
  readOnly?: boolean;
  /** The last save's error; its targeting problems are shown in place. */
  apiError?: unknown;
  /** Whether every JSON field parses (a save waits until they do). */
  onValidityChange?: (ok: boolean) => void;
}

export function TargetingEditor({ value, onChange, variants, segments, readOnly, apiError, onValidityChange }: Props) {
  const [tab, setTab] = useState<string | null>(value.kind === 'raw' ? 'json' : 'builder');
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const callbacks = useRef(new Map<string, (ok: boolean) => void>());
  const validity = useCallback((key: string) => {
    let cb = callbacks.current.get(key);
    if (!cb) {
      cb = (ok: boolean) =>
        setInvalid((s) => {
          if (ok !== s.has(key)) return s;
          const n = new Set(s);
          if (ok) n.delete(key);
          else n.add(key);
          return n;
        });
      callbacks.current.set(key, cb);
    }
    return cb;
  }, []);
  useEffect(() => onValidityChange?.(invalid.size === 0), [invalid, onValidityChange]);

  const json: Json | null = useMemo(() => targetingToJson(value), [value]);
  // What was typed on the JSON tab is shown as typed while it still means the current value.
  const [typed, setTyped] = useState<Json | undefined>(undefined);
  const shownJson = typed !== undefined && deepEqual(targetingToJson(parseTargeting(typed)), json) ? typed : json;
  const apiProblems = problemsUnder(apiError, '/targeting');
  const problems = useMemo(() => {
    const out = validateTargeting(value, variants, segments);
    for (const p of apiProblems) {
      const place = locate(json, p.path);
      const at =
        place.part === 'condition' || place.part === 'result'
          ? `rules/${place.rule}/${place.part}`
          : place.part === 'otherwise'
            ? 'otherwise'
            : '';
      out.push({ at, message: p.message });
    }
    return out;
  }, [value, variants, segments, apiProblems, json]);
  const wholeProblems = problems.filter((p) => p.at === '');

  return (
    <Stack gap="xs">
      <Tabs
        value={tab}
        onChange={(t) => {
          setTyped(undefined);
          setTab(t);
        }}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="builder">Rule builder</Tabs.Tab>
          <Tabs.Tab value="json">JSON Logic</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="builder" pt="sm">
          {value.kind === 'raw' ? (
            <Alert color="blue" variant="light">
              This targeting uses JSON Logic that the rule builder cannot show. It is kept exactly as it is; edit it on the JSON
              Logic tab.
            </Alert>
          ) : (
            <RuleBuilder
              value={value}
              variants={variants}
              segments={segments}
              readOnly={readOnly}
              problems={problems}
              onChange={onChange}
              validity={validity}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="json" pt="sm">
          <JsonField
            label="Targeting (flagd JSON Logic)"
            description='An "if" chain of [condition, variant or split, …, otherwise]; null for no targeting. Segments: {"$ref": "segment-key"}.'
            value={shownJson}
            readOnly={readOnly}
            minRows={8}
            testId="targeting-json"
            onValidity={validity('whole-json')}
            onChange={(j) => {
              setTyped(j);
              onChange(parseTargeting(j));
            }}
          />
          {apiProblems.length > 0 && (
            <Alert color="red" variant="light" mt="xs" role="alert" title="The engine found problems">
              <List size="sm">
                {apiProblems.map((p, i) => (
                  <List.Item key={i}>
                    <code>{p.path}</code>: {p.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
        </Tabs.Panel>
      </Tabs>
      {tab === 'builder' && wholeProblems.length > 0 && (
        <Alert color="red" variant="light" role="alert">
          {wholeProblems.map((p, i) => (
            <Text key={i} size="sm">
              {p.message}
            </Text>
          ))}
        </Alert>
      )}
    </Stack>
  );
}
