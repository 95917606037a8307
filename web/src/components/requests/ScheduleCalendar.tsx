/** A month calendar with a mark on each day something is scheduled; a day can be picked to filter. */
import { Indicator } from '@mantine/core';
import { Calendar } from '@mantine/dates';
import '@mantine/dates/styles.css'; // with the date pickers, not in the first load
import dayjs from 'dayjs';
import type { CSSProperties } from 'react';
import classes from './ScheduleCalendar.module.css';

interface Props {
  /** How many requests each day (`YYYY-MM-DD`) holds. */
  counts: Map<string, number>;
  selected: string | null;
  onSelect: (day: string | null) => void;
}

export function ScheduleCalendar({ counts, selected, onSelect }: Props) {
  return (
    <Calendar
      highlightToday
      getDayProps={(date) => ({
        selected: date === selected,
        onClick: () => onSelect(date === selected ? null : date),
        'aria-label': `${dayjs(date).format('D MMMM YYYY')}${counts.get(date) ? `: ${counts.get(date)} scheduled` : ''}`,
      })}
      renderDay={(date) => {
        const n = counts.get(date) ?? 0;
        return (
          <Indicator
            size={14}
            color="violet"
            offset={-2}
            disabled={n === 0}
            className={classes.count}
            style={{ '--schedule-count': `"${n}"` } as CSSProperties}
            data-testid={n ? `calendar-day-${date}` : undefined}
          >
            <div>{dayjs(date).date()}</div>
          </Indicator>
        );
      }}
    />
  );
}
