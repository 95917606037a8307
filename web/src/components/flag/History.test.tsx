import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, FlagState } from '../../api/types';
import { entry } from '../../test/audit-fixtures';
import { fakeFetch, renderUi } from '../../test/render';
import { History } from './History';

afterEach(() => vi.unstubAllGlobals());

const env = (id: string, key: string): Environment => ({ id, orgId: 'o1', projectId: 'p1', key, name: key, revision: 1, allowedOrigins: [], createdAt: 0 });
const dev = env('e-dev', 'development');
const prod = env('e-prod', 'production');
const state: FlagState = { environmentId: 'e-dev', flagKey: 'beta', enabled: true, defaultVariant: 'on', targeting: null, version: 7, updatedBy: 'user:u1', updatedAt: 0 };

describe('History', () => {
  it("reads the flag's newest changes one page at a time, with restore only for this environment", async () => {
    const user = userEvent.setup();
    const asked: URLSearchParams[] = [];
    const devChange = entry({ actorName: 'Ada', action: 'flag_state.update', target: 'flag:beta', environmentId: 'e-dev', revisions: { 'e-dev': 9 }, before: { enabled: false }, after: { enabled: true }, changes: [{ path: '/enabled', before: false, after: true }] });
    const prodChange = entry({ action: 'flag_state.update', target: 'flag:beta', environmentId: 'e-prod', after: { enabled: true } });
    const created = entry({ action: 'flag.create', target: 'flag:beta', after: { key: 'beta' } });
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/orgs/o1/members': [200, []],
        'GET /api/v1/orgs/o1/audit': (_b, url) => {
          asked.push(url.searchParams);
          return [200, url.searchParams.get('cursor') === 'older' ? { items: [created], next: null } : { items: [devChange, prodChange], next: 'older' }];
        },
      }).fn,
    );
    renderUi(<History org="o1" project="p1" env={dev} environments={[dev, prod]} flagKey="beta" state={state} canEdit />);

    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(2));
    expect(Object.fromEntries(asked[0])).toEqual({ project: 'p1', key: 'beta', limit: '50' });
    const [first, second] = screen.getAllByTestId('audit-entry');
    expect(within(first).getByTestId('audit-sentence')).toHaveTextContent('Ada turned on beta in development');
    expect(within(second).getByTestId('audit-sentence')).toHaveTextContent('A removed member turned on beta in production');
    await user.click(within(first).getAllByRole('button')[0]);
    expect(within(first).getByTestId('audit-revisions')).toHaveTextContent('development revision 9');
    expect(await within(first).findByRole('button', { name: 'Restore this version in development' })).toBeInTheDocument();
    expect(within(second).queryByRole('button', { name: /Restore/, hidden: true })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Load older changes' }));
    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(3));
    expect(asked.at(-1)!.get('cursor')).toBe('older');
    expect(screen.queryByRole('button', { name: 'Load older changes' })).toBeNull();
  });

  it('shows the imports that changed the flag, with no restore button', async () => {
    const imported = entry({ action: 'environment.import', target: 'environment:development', environmentId: 'e-dev', keys: ['beta'], before: { flags: {}, states: {}, segments: {} }, after: { flags: {}, states: { beta: { enabled: true } }, segments: {} } });
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/orgs/o1/members': [200, []],
        'GET /api/v1/orgs/o1/audit': [200, { items: [imported], next: null }],
      }).fn,
    );
    renderUi(<History org="o1" project="p1" env={dev} environments={[dev, prod]} flagKey="beta" state={state} canEdit />);
    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(1));
    expect(screen.queryByRole('button', { name: /Restore/, hidden: true })).toBeNull();
  });

  it('shows a change of rules rule by rule, in words, with the JSON one switch away', async () => {
    const user = userEvent.setup();
    const rule = (c: string[], v: string) => [{ in: [{ var: 'country' }, c] }, v];
    const before = { enabled: true, targeting: { if: [...rule(['DE'], 'on'), 'off'] } };
    const after = { enabled: true, targeting: { if: [...rule(['DE'], 'on'), ...rule(['FR'], 'on'), 'off'] } };
    const changed = entry({ actorName: 'Ada', action: 'flag_state.update', target: 'flag:beta', environmentId: 'e-dev', before, after, changes: [{ path: '/targeting/if', before: before.targeting.if, after: after.targeting.if }] });
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/orgs/o1/members': [200, []],
        'GET /api/v1/orgs/o1/audit': [200, { items: [changed], next: null }],
      }).fn,
    );
    renderUi(<History org="o1" project="p1" env={dev} environments={[dev, prod]} flagKey="beta" state={state} canEdit />);
    const item = await screen.findByTestId('audit-entry');
    expect(within(item).getByTestId('audit-sentence')).toHaveTextContent('Ada changed the targeting of beta in development');
    await user.click(within(item).getAllByRole('button')[0]);
    expect(within(item).getByTestId('change-line')).toHaveTextContent('Rule 2 added: if country is one of ["FR"] → serve on');
    expect(within(item).queryByTestId('diff-json')).toBeNull();
    await user.click(await within(item).findByRole('switch', { name: 'Show JSON' }));
    expect(within(item).getByTestId('diff-json')).toHaveTextContent('/targeting/if');
  });
});
