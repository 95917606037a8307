/** Times of scheduled changes: reading the picker, checking, showing, and grouping by day. */
import dayjs from 'dayjs';
import type { ChangeRequest } from '../../api/types';

/** The API refuses a time more than a year ahead (366 days). */
export const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** The date-time picker's value (`YYYY-MM-DD HH:mm:ss`, local time) as Unix ms; null when empty. */
export function pickerToMs(v: string | Date | null | undefined): number | null {
  if (!v) return null;
  const d = dayjs(v);
  return d.isValid() ? d.valueOf() : null;
}

/** Unix ms as the picker's value. */
export const msToPicker = (ms: number | null | undefined): string | null => (ms ? dayjs(ms).format('YYYY-MM-DD HH:mm:ss') : null);

/** What is wrong with a chosen time, or null. `required`: a schedule must be given. */
export function scheduleProblem(ms: number | null, required: boolean, now: number = Date.now()): string | null {
  if (ms === null) return required ? 'Choose when it applies' : null;
  if (ms <= now) return 'Choose a time in the future';
  if (ms > now + MAX_AHEAD_MS) return 'Choose a time within a year';
  return null;
}

/** "Tue 8 Dec 2026, 14:00" in local time. */
export const when = (ms: number) => dayjs(ms).format('ddd D MMM YYYY, HH:mm');

/** A duration in words, largest units first: "45 s", "3 min", "2 h 5 min", "3 d 4 h". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 && m < 10 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "in 3 h", "5 min ago", "now". */
export function relative(ms: number, now: number = Date.now()): string {
  const diff = ms - now;
  if (Math.abs(diff) < 1000) return 'now';
  return diff > 0 ? `in ${duration(diff)}` : `${duration(-diff)} ago`;
}

/** "Tue 8 Dec 2026, 14:00 (in 3 h)". */
export const scheduleLabel = (ms: number, now: number = Date.now()) => `${when(ms)} (${relative(ms, now)})`;

/** How late a scheduled change applied: "applied 2 min late". */
export const lateText = (lateByMs: number) => `applied ${duration(lateByMs)} late`;

/** A local day as `YYYY-MM-DD` (the calendar's keys). */
export const dayKey = (ms: number | string | Date) => dayjs(ms).format('YYYY-MM-DD');

/** The requests with a time, earliest first. */
export function scheduled<T extends Pick<ChangeRequest, 'scheduledAt'>>(requests: T[]): (T & { scheduledAt: number })[] {
  return requests
    .filter((r): r is T & { scheduledAt: number } => typeof r.scheduledAt === 'number')
    .sort((a, b) => a.scheduledAt - b.scheduledAt);
}

/** Scheduled requests by local day, each day's earliest first. */
export function byDay<T extends Pick<ChangeRequest, 'scheduledAt'>>(requests: T[]): Map<string, (T & { scheduledAt: number })[]> {
  const m = new Map<string, (T & { scheduledAt: number })[]>();
  for (const r of scheduled(requests)) {
    const k = dayKey(r.scheduledAt);
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
}
