/** Evaluations over time, stacked per variant (or per flag). */
import { AreaChart } from '@mantine/charts';
import '@mantine/charts/styles.css'; // with the charts, not in the first load
import { Alert, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import type { Evaluations } from '../api/types';
import { bucketFor, toSeries, totals } from '../lib/analytics';
import { ErrorAlert } from './ErrorAlert';

const COLORS = ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'red.6', 'lime.6', 'pink.6', 'yellow.6', 'blue.6'];

export const WINDOWS = [
  { value: '24', label: '24 h' },
  { value: '168', label: '7 days' },
  { value: '720', label: '30 days' },
];

interface Props {
  title: string;
  by: 'variant' | 'flag';
  hours: number;
  onHours: (h: number) => void;
  data: Evaluations | null | undefined;
  error: unknown;
  loading: boolean;
  /** What to say when the window holds nothing. */
  empty?: string;
}

export function EvaluationsChart({ title, by, hours, onHours, data, error, loading, empty }: Props) {
  const chart = data ? toSeries(data, by, bucketFor(hours)) : null;
  const sums = data ? totals(data, by) : {};
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{title}</Text>
          <SegmentedControl size="xs" aria-label="Time window" value={String(hours)} data={WINDOWS} onChange={(v) => onHours(Number(v))} />
        </Group>
        <ErrorAlert error={error} />
        {data === null && (
          <Alert color="gray" variant="light">
            This server does not report evaluation analytics yet.
          </Alert>
        )}
        {chart && chart.total === 0 && (
          <Text size="sm" c="dimmed">
            {empty ?? 'No evaluations recorded in this window. SDKs report counts every few seconds while pages are open.'}
          </Text>
        )}
        {chart && chart.total > 0 && (
          <>
            <AreaChart
              h={260}
              data={chart.data}
              dataKey="hour"
              type="stacked"
              withLegend
              curveType="monotone"
              withDots={false}
              aria-label={title}
              series={chart.series.map((s, i) => ({ name: s, color: COLORS[i % COLORS.length] }))}
            />
            <Group gap="md" wrap="wrap" data-testid="evaluation-totals">
              {Object.entries(sums).map(([k, n]) => (
                <Text key={k} size="sm">
                  <b>{k}</b>: {n.toLocaleString()}
                </Text>
              ))}
            </Group>
          </>
        )}
        {loading && !data && <Text size="sm" c="dimmed">Loading…</Text>}
      </Stack>
    </Paper>
  );
}
