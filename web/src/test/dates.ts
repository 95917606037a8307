/** Driving Mantine's DateTimePicker in tests the way a person does: open, month, day, time, done. */
import { screen } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import dayjs from 'dayjs';

/** Picks `day` of the month `monthsAhead` from now at `hour`:`minute`; returns that time in Unix ms. */
export async function pickDateTime(user: UserEvent, label: string | RegExp, { monthsAhead = 1, day = 15, hour = 14, minute = 30 } = {}) {
  await user.click(screen.getByLabelText(label));
  for (let i = 0; i < monthsAhead; i++) await user.click(document.querySelector('[data-direction="next"]')!);
  const d = dayjs().add(monthsAhead, 'month').date(day).hour(hour).minute(minute).second(0).millisecond(0);
  await user.click(screen.getByRole('button', { name: d.format('D MMMM YYYY') }));
  const [h, m] = screen.getAllByRole('spinbutton');
  await user.type(h, String(hour).padStart(2, '0'));
  await user.type(m, String(minute).padStart(2, '0'));
  await user.click(document.querySelector('.mantine-DateTimePicker-submitButton')!);
  return d.valueOf();
}
