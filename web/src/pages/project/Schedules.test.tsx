import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV, MEMBERS, PROD, request } from '../../test/request-fixtures';
import Schedules from './Schedules';

// Days of this month, so the calendar shows them without turning the page.
const day = (d: number, h: number) => dayjs().date(d).hour(h).minute(0).second(0).valueOf();

function show() {
  const soon = day(20, 15);
  const sooner = day(20, 9);
  vi.stubGlobal(
    'fetch',
    fakeFetch({
      'GET /api/v1/auth/me': [200, { memberships: [] }],
      'GET /api/v1/orgs/o1/members': [200, MEMBERS],
      'GET /api/v1/projects/p1/environments': [200, [DEV, PROD]],
      'GET /api/v1/projects/p1/change-requests': (_b, url) => {
        const s = url.searchParams.get('status');
        const items =
          s === 'open'
            ? [request({ id: 'late', title: 'Later that day', scheduledAt: soon }), request({ id: 'none', title: 'Not scheduled' })]
            : s === 'approved'
              ? [request({ id: 'early', title: 'Early in the day', status: 'approved', scheduledAt: sooner })]
              : [];
        return [200, { items, next: null }];
      },
    }).fn,
  );
  renderUi(
    <Routes>
      <Route path="/orgs/:org/projects/:project/envs/:env/schedules" element={<Schedules />} />
    </Routes>,
    { route: '/orgs/o1/projects/p1/envs/production/schedules' },
  );
  return { soon, sooner };
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('the schedules view', () => {
  it('lists scheduled requests earliest first, and leaves out the unscheduled', async () => {
    show();
    await waitFor(() => expect(screen.getAllByTestId('scheduled-request')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('scheduled-request');
    expect(first).toHaveTextContent('Early in the day');
    expect(first).toHaveTextContent('will apply');
    expect(second).toHaveTextContent('Later that day');
    expect(second).toHaveTextContent('needs approval first (0/1)');
    expect(screen.queryByText('Not scheduled')).toBeNull();
  });

  it('marks the days on the calendar, and a day picked there narrows the list', async () => {
    const user = userEvent.setup();
    const { soon } = show();
    const key = dayjs(soon).format('YYYY-MM-DD');
    const mark = await screen.findByTestId(`calendar-day-${key}`);
    expect(mark.style.getPropertyValue('--schedule-count')).toBe('"2"');
    await user.click(screen.getByRole('button', { name: `${dayjs(soon).format('D MMMM YYYY')}: 2 scheduled` }));
    expect(screen.getByText(`Only ${dayjs(soon).format('D MMMM YYYY')}`)).toBeInTheDocument();
    expect(within(screen.getByTestId('schedule-day')).getAllByTestId('scheduled-request')).toHaveLength(2);
  });
});
