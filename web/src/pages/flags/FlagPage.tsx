/** One flag: its state and its ramp in the current environment, variants, playground, history and analytics. */
import { Anchor, Badge, Breadcrumbs, Center, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useFlagEvaluations } from '../../api/analytics';
import { useRamp } from '../../api/ramps';
import { useFlag, useFlags, useFlagState, useSegments } from '../../api/flags';
import { EvaluationsChart } from '../../components/EvaluationsChart';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CopyToEnvironment } from '../../components/flag/CopyToEnvironment';
import { History } from '../../components/flag/History';
import { Playground } from '../../components/flag/Playground';
import { SettingsTab } from '../../components/flag/SettingsTab';
import { StateEditor } from '../../components/flag/StateEditor';
import { VariantsTab } from '../../components/flag/VariantsTab';
import { RampNotice } from '../../components/ramps/RampNotice';
import { RampPanel } from '../../components/ramps/RampPanel';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { CRITICAL_COLOR, isCritical } from '../../lib/critical';
import { isRunning, RAMP_COLOR, rampBadge } from '../../lib/ramps/progress';
import { canEditFlags } from '../../lib/roles';
import { describeStale, staleReason } from '../../lib/stale';
import { envPath, useScope } from '../../scope';

export default function FlagPage() {
  const { flag: key = '' } = useParams();
  const { org, project, env, envKey, environments, role } = useScope();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'targeting';
  const flag = useFlag(project, key);
  const state = useFlagState(project, env?.id, key);
  const segments = useSegments(project);
  const flags = useFlags(project);
  const ramp = useRamp(project, env?.id, key);
  const [hours, setHours] = useState(168);
  const evals = useFlagEvaluations(project, env?.id, key, hours);
  const canEdit = canEditFlags(role);
  const listPath = `${envPath(org, project, envKey)}/flags`;

  if (flag.error) return <ErrorAlert error={flag.error} />;
  if (!flag.data || !env) {
    return (
      <Center h={200}>
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  const f = flag.data;
  const stale = staleReason(f, state.data, null, 7);
  const running = ramp.data && isRunning(ramp.data) ? ramp.data : null;
  const openTab = (t: string) => setParams(t !== 'targeting' ? { tab: t } : {}, { replace: true });
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={listPath}>
          Flags
        </Anchor>
        <Text>{f.key}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="xs">
            <Title order={1} size="h2">
              {f.name}
            </Title>
            <Badge variant="light">{f.type}</Badge>
            {f.archived && <Badge color="gray">archived</Badge>}
            {running && (
              <Badge color={RAMP_COLOR[running.status]} variant="light" data-testid="flag-ramp-badge">
                {rampBadge(running)} in {env.name}
              </Badge>
            )}
            {stale && (
              <Badge color="yellow" title={describeStale(stale)}>
                stale
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            <code>{f.key}</code>
            {f.description ? ` — ${f.description}` : ''}
          </Text>
          <Group gap={4}>
            {(f.tags ?? []).map((t) => (
              <Badge key={t} size="xs" variant="outline">
                {t}
              </Badge>
            ))}
          </Group>
        </Stack>
      </Group>
      {!canEdit && <ReadOnlyNotice role={role} need="editor" />}
      <Tabs value={tab} onChange={(t) => openTab(t ?? 'targeting')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="targeting" color={isCritical(env) ? CRITICAL_COLOR : undefined}>
            Targeting in {env.name}
          </Tabs.Tab>
          <Tabs.Tab value="ramp">Ramp in {env.name}</Tabs.Tab>
          <Tabs.Tab value="variants">Variants</Tabs.Tab>
          <Tabs.Tab value="playground">Playground</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
          <Tabs.Tab value="analytics">Analytics</Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="targeting" pt="md">
          <ErrorAlert error={state.error ?? segments.error} />
          {state.data && (
            <Stack>
              <RampNotice ramp={ramp.data} onOpen={() => openTab('ramp')} />
              <StateEditor
                key={`${env.id}/${key}`}
                project={project}
                env={env}
                flag={f}
                state={state.data}
                segments={(segments.data ?? []).map((s) => s.key)}
                flags={flags.data}
                canEdit={canEdit}
              />
              {canEdit && <CopyToEnvironment project={project} env={env} environments={environments} flagKey={key} />}
            </Stack>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="ramp" pt="md">
          <RampPanel project={project} env={env} flag={f} state={state.data} canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="variants" pt="md">
          <VariantsTab project={project} flag={f} canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="playground" pt="md">
          <Playground project={project} env={env} flagKey={key} prerequisites={state.data?.prerequisites} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <History org={org} project={project} env={env} environments={environments} flagKey={key} state={state.data} canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="analytics" pt="md">
          <EvaluationsChart
            title={`Evaluations of ${f.key} in ${env.name}, per variant`}
            by="variant"
            hours={hours}
            onHours={setHours}
            data={evals.data}
            error={evals.error}
            loading={evals.isLoading}
          />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <SettingsTab project={project} flag={f} environments={environments} canEdit={canEdit} listPath={listPath} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
