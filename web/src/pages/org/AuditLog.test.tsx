import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../api/types';
import { entry, importEntry } from '../../test/audit-fixtures';
import { fakeFetch, renderUi } from '../../test/render';
import AuditLog from './AuditLog';

afterEach(() => vi.unstubAllGlobals());

const AUDIT = '/api/v1/orgs/o1/audit';

/** The org's log, newest first, as the API pages it: `next` is the cursor of the older page. */
function pagedLog(pages: Record<string, { items: AuditEntry[]; next: string | null }>) {
  const asked: URLSearchParams[] = [];
  const api = fakeFetch({
    'GET /api/v1/orgs/o1/members': [200, [{ userId: 'u1', email: 'ada@example.com', name: 'Ada', role: 'owner' }]],
    'GET /api/v1/orgs/o1/projects': [200, { items: [{ id: 'p1', orgId: 'o1', name: 'Storefront', createdAt: 0 }], next: null }],
    'GET /api/v1/projects/p1/environments': [200, []],
    [`GET ${AUDIT}`]: (_b, url) => {
      asked.push(url.searchParams);
      return [200, pages[url.searchParams.get('cursor') ?? ''] ?? { items: [], next: null }];
    },
  });
  vi.stubGlobal('fetch', api.fn);
  return asked;
}

const renderLog = () =>
  renderUi(
    <Routes>
      <Route path="/orgs/:org/audit" element={<AuditLog />} />
    </Routes>,
    { route: '/orgs/o1/audit' },
  );

const targets = () => screen.getAllByTestId('audit-entry').map((e) => within(e).getAllByText(/^flag:/)[0].textContent);

describe('AuditLog', () => {
  it('reads one page of the newest entries, in the order the API sends them, and older pages on request', async () => {
    const user = userEvent.setup();
    // Out of time order on purpose: the dashboard does not sort, it shows the API's order.
    const p1 = [entry({ action: 'flag.update', target: 'flag:newest', at: 1000 }), entry({ action: 'flag.update', target: 'flag:second', at: 5000 })];
    const p2 = [entry({ action: 'flag.create', target: 'flag:oldest', at: 500 })];
    const asked = pagedLog({ '': { items: p1, next: 'c-2' }, 'c-2': { items: p2, next: null } });
    renderLog();

    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(2));
    expect(targets()).toEqual(['flag:newest', 'flag:second']);
    expect(asked).toHaveLength(1);
    expect(asked[0].get('limit')).toBe('50');
    expect(asked[0].has('cursor')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(3));
    expect(targets()).toEqual(['flag:newest', 'flag:second', 'flag:oldest']);
    expect(asked.at(-1)!.get('cursor')).toBe('c-2');
    expect(asked.at(-1)!.get('limit')).toBe('50');
    // The last page has no `next`: nothing older to load.
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
  });

  it('offers no "load more" when the first page is the whole log', async () => {
    pagedLog({ '': { items: [entry({ action: 'flag.create', target: 'flag:only' })], next: null } });
    renderLog();
    await screen.findByTestId('audit-entry');
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
  });

  it('sends the filters to the API and starts again from the newest page', async () => {
    const user = userEvent.setup();
    const asked = pagedLog({ '': { items: [entry({ action: 'flag.create', target: 'flag:x' })], next: 'c-2' } });
    renderLog();
    await screen.findByTestId('audit-entry');
    await user.type(screen.getByLabelText(/^Target/), 'flag:x');
    await waitFor(() => expect(asked.some((q) => q.get('target') === 'flag:x')).toBe(true), { timeout: 3000 });
    const q = asked.find((x) => x.get('target') === 'flag:x')!;
    expect(q.has('cursor')).toBe(false);
    expect(q.get('limit')).toBe('50');
  });

  it('shows an import readably: where, what changed item by item, and who', async () => {
    const user = userEvent.setup();
    pagedLog({ '': { items: [importEntry()], next: null } });
    renderLog();
    const item = await screen.findByTestId('audit-entry');
    expect(within(item).getByText('Import into production')).toBeInTheDocument();
    expect(within(item).getByTestId('import-summary')).toHaveTextContent('1 flag created, 1 flag state changed, 1 segment removed');
    expect(within(item).getByText(/by Switchyard \(import\)/)).toBeInTheDocument();
    await user.click(within(item).getAllByRole('button')[0]);
    const parts = within(item).getAllByTestId('import-item');
    expect(parts.map((p) => p.querySelector('h6')?.textContent)).toEqual(['Flag beta', 'State of banner', 'Segment testers']);
    expect(within(parts[0]).getByText('created')).toBeInTheDocument();
    expect(within(parts[2]).getByText('removed')).toBeInTheDocument();
    // Inside an item, paths are the item's own; bookkeeping (version) is left out.
    const paths = [...parts[1].querySelectorAll('tbody code')].map((c) => c.textContent);
    expect(paths).toEqual(['/defaultVariant', '/enabled']);
  });
});
