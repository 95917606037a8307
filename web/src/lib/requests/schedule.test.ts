import { describe, expect, it } from 'vitest';
import { byDay, dayKey, duration, lateText, pickerToMs, relative, scheduled, scheduleLabel, scheduleProblem } from './schedule';

const at = (d: number, h: number, m = 0) => new Date(2026, 11, d, h, m).getTime();
const NOW = at(3, 12);

describe('schedules', () => {
  it('reads the picker value as local time', () => {
    expect(pickerToMs('2026-12-08 14:00:00')).toBe(at(8, 14));
    expect(pickerToMs(null)).toBeNull();
  });

  it('requires a time only where one is required', () => {
    expect(scheduleProblem(null, true, NOW)).toBe('Choose when it applies');
    expect(scheduleProblem(null, false, NOW)).toBeNull();
  });

  it('refuses a time in the past', () => {
    expect(scheduleProblem(at(3, 11), false, NOW)).toBe('Choose a time in the future');
  });

  it('refuses a time more than a year ahead', () => {
    expect(scheduleProblem(NOW + 400 * 24 * 3600 * 1000, false, NOW)).toBe('Choose a time within a year');
  });

  it('shows a time with its weekday and how far it is', () => {
    expect(scheduleLabel(at(8, 14, 30), NOW)).toBe('Tue 8 Dec 2026, 14:30 (in 5 d 2 h)');
  });

  it('says how long ago a past time was', () => {
    expect(relative(NOW - 3 * 60_000, NOW)).toBe('3 min ago');
  });

  it('keeps seconds in short durations', () => {
    expect(duration(125_000)).toBe('2 min 5 s');
    expect(duration(45_000)).toBe('45 s');
  });

  it('says how late a scheduled change applied', () => {
    expect(lateText(2 * 3600_000 + 5 * 60_000)).toBe('applied 2 h 5 min late');
  });

  it('sorts scheduled requests by time and leaves out the unscheduled', () => {
    const rs = [{ id: 'b', scheduledAt: at(9, 8) }, { id: 'x', scheduledAt: null }, { id: 'a', scheduledAt: at(4, 8) }];
    expect(scheduled(rs).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('groups scheduled requests by local day', () => {
    const rs = [{ id: 'late', scheduledAt: at(4, 23) }, { id: 'early', scheduledAt: at(4, 1) }, { id: 'next', scheduledAt: at(5, 0) }];
    const m = byDay(rs);
    expect([...m.keys()]).toEqual([dayKey(at(4, 1)), dayKey(at(5, 0))]);
    expect(m.get('2026-12-04')!.map((r) => r.id)).toEqual(['early', 'late']);
  });
});
