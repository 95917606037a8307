import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../api/types';
import { entry, importEntry } from '../../test/audit-fixtures';
import { fakeFetch, renderUi } from '../../test/render';
import AuditLog from './AuditLog';

afterEach(() => vi.unstubAllGlobals());

const AUDIT = '/api/v1/orgs/o1/audit';
const ENVS = [
  { id: 'e-dev', orgId: 'o1', projectId: 'p1', key: 'development', name: 'development', revision: 1, allowedOrigins: [], createdAt: 0 },
  { id: 'e-prod', orgId: 'o1', projectId: 'p1', key: 'production', name: 'production', revision: 1, allowedOrigins: [], createdAt: 0 },
];

/** The org's log, newest first, as the API pages it: `next` is the cursor of the older page. */
function pagedLog(
  pages: Record<string, { items: AuditEntry[]; next: string | null }>,
  single: Record<string, [number, unknown]> = {},
) {
  const asked: URLSearchParams[] = [];
  const api = fakeFetch({
    ...Object.fromEntries(Object.entries(single).map(([id, answer]) => [`GET ${AUDIT}/${id}`, answer])),
    'GET /api/v1/orgs/o1/members': [200, [{ userId: 'u1', email: 'ada@example.com', name: 'Ada', role: 'owner' }]],
    'GET /api/v1/orgs/o1/projects': [200, { items: [{ id: 'p1', orgId: 'o1', name: 'Storefront', createdAt: 0 }], next: null }],
    'GET /api/v1/projects/p1/environments': [200, ENVS],
    [`GET ${AUDIT}`]: (_b, url) => {
      asked.push(url.searchParams);
      return [200, pages[url.searchParams.get('cursor') ?? ''] ?? { items: [], next: null }];
    },
  });
  vi.stubGlobal('fetch', api.fn);
  return Object.assign(asked, { calls: api.calls });
}

/** The query string the page is at now. */
function Search() {
  return <output data-testid="search">{useLocation().search}</output>;
}

const renderLog = (route = '/orgs/o1/audit') =>
  renderUi(
    <Routes>
      <Route
        path="/orgs/:org/audit"
        element={
          <>
            <AuditLog />
            <Search />
          </>
        }
      />
    </Routes>,
    { route },
  );

/** The flag each entry's sentence names. */
const targets = () => screen.getAllByTestId('audit-entry').map((e) => within(e).getByTestId('audit-sentence').querySelector('code')?.textContent);

describe('AuditLog', () => {
  it('reads one page of the newest entries, in the order the API sends them, and older pages on request', async () => {
    const user = userEvent.setup();
    // Out of time order on purpose: the dashboard does not sort, it shows the API's order.
    const p1 = [entry({ action: 'flag.update', target: 'flag:newest', at: 1000 }), entry({ action: 'flag.update', target: 'flag:second', at: 5000 })];
    const p2 = [entry({ action: 'flag.create', target: 'flag:oldest', at: 500 })];
    const asked = pagedLog({ '': { items: p1, next: 'c-2' }, 'c-2': { items: p2, next: null } });
    renderLog();

    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(2));
    expect(targets()).toEqual(['newest', 'second']);
    expect(asked).toHaveLength(1);
    expect(asked[0].get('limit')).toBe('50');
    expect(asked[0].has('cursor')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(3));
    expect(targets()).toEqual(['newest', 'second', 'oldest']);
    expect(asked.at(-1)!.get('cursor')).toBe('c-2');
    expect(asked.at(-1)!.get('limit')).toBe('50');
    // The last page has no `next`: nothing older to load.
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
  });

  it('says a page without a match is not the end when the server read only part of the log', async () => {
    pagedLog({ '': { items: [], next: 'c-2' }, 'c-2': { items: [entry({ action: 'flag.create', target: 'flag:old' })], next: null } });
    renderLog('/orgs/o1/audit?flag=old');
    expect(await screen.findByText(/Nothing matches in the entries read so far/)).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(targets()).toEqual(['old']));
  });

  it('offers no "load more" when the first page is the whole log', async () => {
    pagedLog({ '': { items: [entry({ action: 'flag.create', target: 'flag:only' })], next: null } });
    renderLog();
    await screen.findByTestId('audit-entry');
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
  });

  it('sends the flag filter to the API, keeps it in the URL and starts again from the newest page', async () => {
    const user = userEvent.setup();
    const asked = pagedLog({ '': { items: [entry({ action: 'flag.create', target: 'flag:x' })], next: 'c-2' } });
    renderLog();
    await screen.findByTestId('audit-entry');
    await user.type(screen.getByRole('combobox', { name: /^Flag/ }), 'x');
    await waitFor(() => expect(asked.some((q) => q.get('key') === 'x')).toBe(true), { timeout: 3000 });
    const q = asked.find((x) => x.get('key') === 'x')!;
    expect(q.has('cursor')).toBe(false);
    expect(q.get('limit')).toBe('50');
    expect(screen.getByTestId('search')).toHaveTextContent('?flag=x');
    expect(screen.getByTestId('audit-summary')).toHaveTextContent('Changes to x');
  });

  it('shows an import readably: a sentence, what changed item by item, and the JSON on request', async () => {
    const user = userEvent.setup();
    pagedLog({ '': { items: [importEntry({ actor: 'token:t1', actorName: 'ci-bot' })], next: null } });
    renderLog();
    const item = await screen.findByTestId('audit-entry');
    expect(within(item).getByTestId('audit-sentence')).toHaveTextContent('API token ci-bot imported 2 flags and 1 segment into production');
    expect(within(item).getByTestId('import-summary')).toHaveTextContent('1 flag created, 1 flag state changed, 1 segment removed');
    await user.click(within(item).getAllByRole('button')[0]);
    const parts = within(item).getAllByTestId('import-item');
    expect(parts.map((p) => p.querySelector('h6')?.textContent)).toEqual(['Flag beta', 'State of banner', 'Segment testers']);
    expect(within(parts[0]).getByText('created')).toBeInTheDocument();
    expect(within(parts[2]).getByText('removed')).toBeInTheDocument();
    // The state readably; bookkeeping (version) left out.
    expect(within(parts[1]).getAllByTestId('change-line').map((l) => l.textContent)).toEqual(['~Enabled: off → on', '~Default variant: short → long']);
    // Inside an item, JSON paths are the item's own.
    await user.click(await within(item).findByRole('switch', { name: 'Show JSON' }));
    const json = within(item).getAllByTestId('diff-json')[1];
    expect([...json.querySelectorAll('tbody code')].map((c) => c.textContent)).toEqual(['/defaultVariant', '/enabled']);
  });

  it("says each entry as a sentence, naming the environment through its project's environments", async () => {
    const on = entry({ action: 'flag_state.update', target: 'flag:hero-banner', environmentId: 'e-prod', actorName: 'Ada', before: { enabled: false }, after: { enabled: true } });
    pagedLog({ '': { items: [on], next: null } });
    renderLog();
    const item = await screen.findByTestId('audit-entry');
    await waitFor(() => expect(within(item).getByTestId('audit-sentence')).toHaveTextContent('Ada turned on hero-banner in production'));
    expect(within(item).getByTestId('audit-sentence').querySelector('code')).toHaveTextContent('hero-banner');
    // No raw code as the text: the action is only a detail inside.
    expect(within(item).getByTestId('audit-recorded')).toHaveTextContent('Recorded as flag_state.update');
    expect(screen.getByTestId('audit-summary')).toHaveTextContent('Every recorded change');
  });

  it('filters by environment: chosen by name, kept in the URL by key, asked for by id', async () => {
    const user = userEvent.setup();
    const asked = pagedLog({ '': { items: [entry({ action: 'flag.create', target: 'flag:x' })], next: null } });
    renderLog('/orgs/o1/audit?project=p1');
    await screen.findByTestId('audit-entry');
    await user.click(screen.getByRole('combobox', { name: 'Environment' }));
    await user.click(await screen.findByRole('option', { name: 'production' }));
    await waitFor(() => expect(screen.getByTestId('search')).toHaveTextContent('?project=p1&environment=production'));
    await waitFor(() => expect(asked.at(-1)!.get('environment')).toBe('e-prod'));
    expect(asked.at(-1)!.get('project')).toBe('p1');
    expect(screen.getByTestId('audit-summary')).toHaveTextContent('Changes in production (Storefront)');
  });

  it('opens a shared link on its filtered view, asking for nothing wider', async () => {
    const asked = pagedLog({ '': { items: [], next: null } });
    renderLog('/orgs/o1/audit?project=p1&environment=production&actor=user:u1&flag=beta&from=2026-12-01&to=2026-12-03');
    await waitFor(() => expect(screen.getByText('No recorded change matches these filters.')).toBeInTheDocument());
    const days = { from: String(new Date(2026, 11, 1).getTime()), to: String(new Date(2026, 11, 4).getTime()) };
    expect(asked.map((q) => Object.fromEntries(q))).toEqual([{ project: 'p1', environment: 'e-prod', actor: 'user:u1', key: 'beta', ...days, limit: '50' }]);
    expect(screen.getByTestId('audit-summary')).toHaveTextContent('Changes to beta in production (Storefront) by Ada from 1 Dec 2026 to 3 Dec 2026');
    expect(screen.getByRole('combobox', { name: /^Flag/ })).toHaveValue('beta');
  });

  it('clears every filter at once, keeping the rest of the URL', async () => {
    const user = userEvent.setup();
    pagedLog({ '': { items: [], next: null } });
    renderLog('/orgs/o1/audit?project=p1&flag=beta&other=kept');
    await user.click(await screen.findByRole('button', { name: 'Clear filters' }));
    expect(screen.getByTestId('search')).toHaveTextContent(/^\?other=kept$/);
    expect(screen.getByTestId('audit-summary')).toHaveTextContent('Every recorded change');
    await waitFor(() => expect(screen.getByRole('combobox', { name: /^Flag/ })).toHaveValue(''));
  });

  it('says so when a link names an environment the project does not have, and asks nothing', async () => {
    const asked = pagedLog({ '': { items: [entry({ action: 'flag.create', target: 'flag:x' })], next: null } });
    renderLog('/orgs/o1/audit?project=p1&environment=staging');
    expect(await screen.findByTestId('audit-env-missing')).toHaveTextContent('This project has no environment “staging”');
    expect(asked).toHaveLength(0);
    expect(screen.queryByTestId('audit-entry')).toBeNull();
  });

  describe('a link to one change (?change=ID, as webhook, Slack and Teams messages link)', () => {
    const ID = '00000000000000000042';
    const linkedTo = `/orgs/o1/audit?change=${ID}`;
    const linked = () =>
      entry({ id: ID, action: 'flag.state.update', target: 'flag:linked', changes: [{ path: '/enabled', before: false, after: true }] });
    const log = { '': { items: [entry({ action: 'flag.update', target: 'flag:newest' }), entry({ action: 'flag.create', target: 'flag:older' })], next: null } };
    const NOT_FOUND = [404, { error: { code: 'not_found', message: 'audit entry not found', details: null } }] as [number, unknown];

    it('a_linked_change_is_shown_expanded_at_the_top', async () => {
      const api = pagedLog(log, { [ID]: [200, linked()] });
      renderLog(linkedTo);

      const box = await screen.findByRole('region', { name: 'The change you followed a link to' });
      const item = await within(box).findByTestId('audit-entry');
      expect(within(item).getByTestId('audit-sentence')).toHaveTextContent('Ada made a change to flag linked');
      // Open on its diff without a click.
      expect(within(item).getAllByRole('button')[0]).toHaveAttribute('aria-expanded', 'true');
      const diff = within(item).getByTestId('diff');
      expect(diff).toBeVisible();
      expect(within(diff).getByTestId('change-line')).toHaveTextContent('Enabled: false → true');
      // Asked for by its id, once.
      expect(api.calls.filter((c) => c.path === `${AUDIT}/${ID}`)).toHaveLength(1);

      // The log follows below it, as without the link.
      await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(3));
      const [first, ...rest] = screen.getAllByTestId('audit-entry');
      expect(first).toBe(item);
      expect(rest.map((e) => within(e).getByTestId('audit-sentence').querySelector('code')?.textContent)).toEqual(['newest', 'older']);
      expect(within(rest[0]).getAllByRole('button')[0]).toHaveAttribute('aria-expanded', 'false');
    });

    it('an_unknown_linked_change_says_so', async () => {
      pagedLog(log, { [ID]: NOT_FOUND });
      renderLog(linkedTo);

      const notice = await screen.findByTestId('linked-change-missing');
      expect(notice).toHaveTextContent('This change was not found (or is not in this organization)');
      expect(notice).toHaveTextContent(ID);
      // A notice, not an error, and the log is still there.
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.queryByRole('region', { name: 'The change you followed a link to' })).toBeNull();
      await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(2));
    });

    it('clearing_the_link_shows_the_plain_log', async () => {
      const user = userEvent.setup();
      pagedLog(log, { [ID]: [200, linked()] });
      renderLog(linkedTo);
      const box = await screen.findByRole('region', { name: 'The change you followed a link to' });
      await within(box).findByTestId('audit-entry');

      await user.click(within(box).getByRole('button', { name: 'Show the whole log' }));
      expect(screen.queryByRole('region', { name: 'The change you followed a link to' })).toBeNull();
      expect(screen.getByTestId('search')).toHaveTextContent(/^$/);
      await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(2));
      expect(targets()).toEqual(['newest', 'older']);
    });

    it('clearing_an_unknown_link_removes_the_notice', async () => {
      const user = userEvent.setup();
      pagedLog(log, { [ID]: NOT_FOUND });
      renderLog(`${linkedTo}&other=kept`);
      const notice = await screen.findByTestId('linked-change-missing');

      await user.click(within(notice).getByRole('button', { name: 'Show the whole log' }));
      expect(screen.queryByTestId('linked-change-missing')).toBeNull();
      expect(screen.getByTestId('search')).toHaveTextContent(/^\?other=kept$/);
    });

    it('a_failing_linked_change_shows_the_error_above_the_log', async () => {
      pagedLog(log, { [ID]: [500, { error: { code: 'internal', message: 'the store is unavailable', details: null } }] });
      renderLog(linkedTo);

      const box = await screen.findByRole('region', { name: 'The change you followed a link to' });
      expect(await within(box).findByRole('alert')).toBeInTheDocument();
      expect(screen.queryByTestId('linked-change-missing')).toBeNull();
      await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(2));
    });

    it('the_plain_log_asks_for_no_single_change', async () => {
      const api = pagedLog(log, { [ID]: [200, linked()] });
      renderLog();
      await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(2));
      expect(screen.queryByRole('region', { name: 'The change you followed a link to' })).toBeNull();
      expect(api.calls.some((c) => c.path.startsWith(`${AUDIT}/`))).toBe(false);
    });
  });
});
