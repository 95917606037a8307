/**
 * One change of a request: what it is to, and while the request is active, what is stored now →
 * what it proposes (with a flag state's rules and prerequisites in words, and its rules in the
 * rule builder; a ramp's plan as its steps). Once the request is closed, what it proposed.
 */
import { Accordion, Alert, Badge, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useFlag, useFlagState, useSegments } from '../../api/flags';
import type { Environment, FlagChange, Json, Prerequisite, ProposedChange, RampChange, SegmentChange, StateChange } from '../../api/types';
import { changeDiff, changeLabel, proposedFields, storedVersion, type Stored } from '../../lib/requests/diff';
import { describeRule, describeTargeting } from '../../lib/targeting/describe';
import { parseTargeting } from '../../lib/targeting/parse';
import { deepEqual } from '../../lib/json';
import { describePrerequisites, piecesText } from '../../lib/prerequisites/describe';
import { DiffView } from '../DiffView';
import { ErrorAlert } from '../ErrorAlert';
import { RampPlanList } from '../ramps/RampPlanList';
import { TargetingEditor } from '../targeting/TargetingEditor';

interface Common {
  project: string;
  environments: Environment[];
  /** Active: compare with what is stored now. Closed: show what it proposed. */
  live: boolean;
}

function Rules({ title, lines }: { title: string; lines: string[] }) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={600} c="dimmed">
        {title}
      </Text>
      <List size="sm" spacing={2}>
        {lines.map((l, i) => (
          <List.Item key={i}>{l}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

interface FrameProps {
  label: string;
  c: ProposedChange;
  stored: Stored | undefined;
  error: unknown;
  live: boolean;
  extra?: ReactNode;
  /** Shown instead of the fields' diff (a ramp's plan). */
  body?: ReactNode;
}

function Frame({ label, c, stored, error, live, extra, body }: FrameProps) {
  const now = stored === undefined ? null : storedVersion(stored);
  const moved = live && now !== null && now !== c.baseVersion;
  const diff = live ? changeDiff(c, stored ?? null) : Object.entries(proposedFields(c)).map(([k, v]) => ({ path: `/${k}`, after: v }));
  return (
    <Card withBorder padding="sm" data-testid="request-change">
      <Stack gap="xs">
        <Group gap="xs" justify="space-between">
          <Title order={3} size="h5">
            {label}
          </Title>
          <Badge variant="outline" size="sm">
            {(c.kind === 'state' || c.kind === 'ramp') && c.baseVersion === 0 ? 'made before it was ever set' : `made on version ${c.baseVersion}`}
          </Badge>
        </Group>
        <ErrorAlert error={error} />
        {moved && (
          <Alert color="orange" variant="light" data-testid="change-moved">
            Changed since it was proposed: version {now} is stored now. Applying it will be refused until the request is refreshed.
          </Alert>
        )}
        {body ? (
          body
        ) : live && stored === undefined ? (
          !error && <Loader size="xs" aria-label="Loading what is stored now" />
        ) : live && diff.length === 0 ? (
          <Text size="sm" c="dimmed">
            What it proposes is what is stored now.
          </Text>
        ) : (
          <DiffView changes={diff} />
        )}
        {extra}
      </Stack>
    </Card>
  );
}

function StateView({ c, project, environments, live }: Common & { c: StateChange }) {
  const env = environments.find((e) => e.id === c.environmentId);
  const stored = useFlagState(project, c.environmentId, c.flag);
  const flag = useFlag(project, c.flag);
  const segments = useSegments(project);
  const before = stored.data?.targeting as Json | undefined;
  const after = (c.targeting ?? null) as Json | null;
  const changed = live ? !deepEqual(before ?? null, after) : after !== null;
  const prereqsBefore: Prerequisite[] = stored.data?.prerequisites ?? [];
  const prereqsAfter: Prerequisite[] = c.prerequisites ?? [];
  const prereqsChanged = live ? !deepEqual(prereqsBefore, prereqsAfter) : prereqsAfter.length > 0;
  const inWords = (ps: Prerequisite[], dv: string | null | undefined) => [piecesText(describePrerequisites(ps, dv)) || 'No prerequisites'];
  const prereqs = prereqsChanged ? (
    <SimpleGrid cols={{ base: 1, sm: live ? 2 : 1 }} data-testid="change-prerequisites">
      {live && <Rules title="Prerequisites now" lines={inWords(prereqsBefore, stored.data?.defaultVariant)} />}
      <Rules title={live ? 'Prerequisites proposed' : 'Prerequisites it sets'} lines={inWords(prereqsAfter, c.defaultVariant)} />
    </SimpleGrid>
  ) : null;
  const rules = changed ? (
    <Stack gap="xs">
      <SimpleGrid cols={{ base: 1, sm: live ? 2 : 1 }}>
        {live && <Rules title="Rules now" lines={describeTargeting(before ?? null)} />}
        <Rules title={live ? 'Rules proposed' : 'Rules it sets'} lines={describeTargeting(after)} />
      </SimpleGrid>
      <Accordion variant="contained">
        <Accordion.Item value="builder">
          <Accordion.Control>The proposed rules in the rule builder</Accordion.Control>
          <Accordion.Panel>
            <TargetingEditor
              value={parseTargeting(after)}
              onChange={() => {}}
              variants={(flag.data?.variants ?? []).map((v) => v.name)}
              segments={(segments.data ?? []).map((s) => s.key)}
              readOnly
            />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  ) : null;
  const extra = (
    <>
      {prereqs}
      {rules}
    </>
  );
  return <Frame label={changeLabel(c, () => env?.name ?? 'an environment')} c={c} stored={stored.data} error={stored.error} live={live} extra={extra} />;
}

function RampView({ c, project, environments, live }: Common & { c: RampChange }) {
  const env = environments.find((e) => e.id === c.environmentId);
  const stored = useFlagState(project, c.environmentId, c.flag);
  return (
    <Frame
      label={changeLabel(c, () => env?.name ?? 'an environment')}
      c={c}
      stored={stored.data}
      error={stored.error}
      live={live}
      body={<RampPlanList variant={c.variant} baseline={c.baseline} steps={c.steps} />}
      extra={
        <Text size="xs" c="dimmed">
          Applying the request starts the ramp: its first step applies then, and each later step by itself after the hold before it. The
          rules the state has then stay; each step changes only what is served when no rule matches.
        </Text>
      }
    />
  );
}

function FlagView({ c, project, live }: Common & { c: FlagChange }) {
  const stored = useFlag(project, c.flag);
  return <Frame label={changeLabel(c, () => '')} c={c} stored={stored.data} error={stored.error} live={live} />;
}

function SegmentView({ c, project, live }: Common & { c: SegmentChange }) {
  const segments = useSegments(project);
  const stored = segments.data ? (segments.data.find((s) => s.key === c.segment) ?? null) : undefined;
  const rule = c.rule as Json | null | undefined;
  const extra =
    rule !== undefined && rule !== null ? (
      <SimpleGrid cols={{ base: 1, sm: live ? 2 : 1 }}>
        {live && <Rules title="Rule now" lines={[describeRule(stored?.rule as Json | undefined)]} />}
        <Rules title={live ? 'Rule proposed' : 'Rule it sets'} lines={[describeRule(rule)]} />
      </SimpleGrid>
    ) : null;
  return <Frame label={changeLabel(c, () => '')} c={c} stored={stored} error={segments.error} live={live} extra={extra} />;
}

export function ChangeView(props: Common & { c: ProposedChange }) {
  const { c } = props;
  switch (c.kind) {
    case 'state':
      return <StateView {...props} c={c} />;
    case 'ramp':
      return <RampView {...props} c={c} />;
    case 'flag':
      return <FlagView {...props} c={c} />;
    case 'segment':
      return <SegmentView {...props} c={c} />;
  }
}
