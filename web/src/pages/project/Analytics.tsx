/** Evaluations in the current environment: per flag over time, and per variant for one flag. */
import { Select, Stack } from '@mantine/core';
import { useState } from 'react';
import { useEnvironmentEvaluations, useFlagEvaluations } from '../../api/analytics';
import { useFlags } from '../../api/flags';
import { EvaluationsChart } from '../../components/EvaluationsChart';
import { eventsAsRows } from '../../lib/analytics';
import { PageHeader } from '../../components/PageHeader';
import { useScope } from '../../scope';

export default function Analytics() {
  const { project, env } = useScope();
  const [hours, setHours] = useState(168);
  const [flagHours, setFlagHours] = useState(168);
  const flags = useFlags(project);
  const [flag, setFlag] = useState<string | null>(null);
  const all = useEnvironmentEvaluations(project, env?.id, hours);
  const one = useFlagEvaluations(project, flag ? env?.id : undefined, flag ?? '', flagHours);
  return (
    <Stack>
      <PageHeader title="Analytics" description={env ? `Evaluations reported by SDKs in ${env.name}.` : undefined} />
      <EvaluationsChart title={`All flags in ${env?.name ?? ''}`} by="flag" hours={hours} onHours={setHours} data={all.data} error={all.error} loading={all.isLoading} />
      <EvaluationsChart
        title="Custom events"
        by="flag"
        hours={hours}
        onHours={setHours}
        data={all.data ? eventsAsRows(all.data) : all.data}
        error={null}
        loading={all.isLoading}
        empty={
          env?.customEvents
            ? 'No custom events recorded in this window.'
            : `Custom events are not counted in ${env?.name ?? 'this environment'}: turn them on in Environments & SDK keys.`
        }
      />
      <Select
        label="One flag"
        placeholder="Choose a flag"
        w={280}
        searchable
        data={(flags.data ?? []).map((f) => ({ value: f.key, label: `${f.name} (${f.key})` }))}
        value={flag}
        onChange={setFlag}
      />
      {flag && (
        <EvaluationsChart
          title={`${flag} per variant`}
          by="variant"
          hours={flagHours}
          onHours={setFlagHours}
          data={one.data}
          error={one.error}
          loading={one.isLoading}
        />
      )}
    </Stack>
  );
}
