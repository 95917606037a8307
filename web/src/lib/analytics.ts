/** Evaluation counters → chart series: one point per hour, one series per variant (or flag). */
import type { Evaluations } from '../api/types';

export interface ChartData {
  data: Record<string, number | string>[];
  series: string[];
  total: number;
}

export function hourLabel(hour: number, spanHours: number): string {
  const d = new Date(hour * 3_600_000);
  const hh = `${String(d.getHours()).padStart(2, '0')}:00`;
  return spanHours <= 24 ? hh : `${d.getMonth() + 1}/${d.getDate()} ${hh}`;
}

/** Groups by `variant` (one flag) or by `flag` (an environment); hours with nothing are zeros. */
export function toSeries(ev: Evaluations, by: 'variant' | 'flag', bucketHours = 1): ChartData {
  const series = [...new Set(ev.rows.map((r) => r[by]))].sort();
  const span = ev.to - ev.from;
  const buckets = new Map<number, Record<string, number | string>>();
  for (let h = ev.from; h < ev.to; h += bucketHours) {
    const point: Record<string, number | string> = { hour: hourLabel(h, span) };
    for (const s of series) point[s] = 0;
    buckets.set(h, point);
  }
  let total = 0;
  for (const r of ev.rows) {
    const h = ev.from + Math.floor((r.hour - ev.from) / bucketHours) * bucketHours;
    const point = buckets.get(h);
    if (!point) continue;
    point[r[by]] = (point[r[by]] as number) + r.count;
    total += r.count;
  }
  return { data: [...buckets.values()], series, total };
}

/** Totals per key over the whole window. */
export function totals(ev: Evaluations, by: 'variant' | 'flag'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of ev.rows) out[r[by]] = (out[r[by]] ?? 0) + r.count;
  return out;
}

/** Hours per point, so a long window stays readable. */
export function bucketFor(hours: number): number {
  return hours <= 48 ? 1 : hours <= 24 * 14 ? 6 : 24;
}

/** Custom events as rows of a chart by "flag" (one series per event name). */
export function eventsAsRows(ev: Evaluations): Evaluations {
  return { ...ev, rows: (ev.events ?? []).map((e) => ({ flag: e.name, variant: 'count', hour: e.hour, count: e.count })), events: [] };
}
