import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Delivery, DeliveryPage, Webhook } from '../../api/types';
import { dateTime } from '../../lib/format';
import { fakeFetch, renderUi } from '../../test/render';
import { delivery, hook, HOOKS, orgRoutes, T0 } from '../../test/webhook-fixtures';
import WebhookPage from './WebhookPage';

afterEach(() => vi.unstubAllGlobals());

const ONE = `${HOOKS}/w1`;
type Answer = Parameters<typeof fakeFetch>[0][string];

/**
 * The endpoint `current()` and its deliveries `pages[cursor]`; both read at call time, so a test
 * can change what the server holds. Returns the fake and the delivery queries asked.
 */
function serve(current: () => Webhook, pages: () => Record<string, DeliveryPage>, more: Record<string, Answer> = {}) {
  const asked: URLSearchParams[] = [];
  const api = fakeFetch({
    ...orgRoutes(),
    [`GET ${ONE}`]: () => [200, current()],
    [`GET ${ONE}/deliveries`]: (_b, url) => {
      asked.push(url.searchParams);
      return [200, pages()[url.searchParams.get('cursor') ?? ''] ?? { items: [], next: null }];
    },
    ...more,
  });
  vi.stubGlobal('fetch', api.fn);
  return { api, asked };
}

const log = (items: Delivery[], next: string | null = null) => () => ({ '': { items, next } });

const renderPage = () =>
  renderUi(
    <Routes>
      <Route path="/orgs/:org/webhooks/:webhook" element={<WebhookPage />} />
      <Route path="/orgs/:org/webhooks" element={<div>the webhooks list</div>} />
    </Routes>,
    { route: '/orgs/o1/webhooks/w1' },
  );

const writes = (api: ReturnType<typeof fakeFetch>) => api.calls.filter((c) => c.method !== 'GET');
const rows = () => screen.getAllByTestId('delivery-row');
const openTab = async (user: ReturnType<typeof userEvent.setup>, name: string) => user.click(await screen.findByRole('tab', { name }));

describe('Webhook endpoint page', () => {
  it('edit_patches_with_the_version', async () => {
    const user = userEvent.setup();
    let current = hook({ filter: { projects: [], environments: [], tags: [], events: ['state.changed'] } });
    const { api } = serve(() => current, log([]), {
      [`PATCH ${ONE}`]: (b) => {
        current = { ...current, ...(b as object), version: current.version + 1 };
        return [200, current];
      },
    });
    renderPage();
    await openTab(user, 'Settings');
    const description = await screen.findByRole('textbox', { name: 'Description' });
    await user.clear(description);
    await user.type(description, 'release bot');
    await user.click(screen.getByRole('checkbox', { name: 'flag.changed' }));
    await user.click(screen.getByRole('button', { name: 'Save endpoint' }));
    await waitFor(() =>
      expect(writes(api)).toEqual([
        {
          method: 'PATCH',
          path: ONE,
          // The URL did not change: it is not sent.
          body: { version: 3, description: 'release bot', filter: { projects: [], environments: [], tags: [], events: ['state.changed', 'flag.changed'] }, enabled: true },
        },
      ]),
    );
    expect(await screen.findByTestId('webhook-version')).toHaveTextContent('version 4');
  });

  it('edit_conflict_offers_reload', async () => {
    const user = userEvent.setup();
    let current = hook();
    const { api } = serve(() => current, log([]), {
      [`PATCH ${ONE}`]: [409, { error: { code: 'conflict', message: 'the webhook was changed by someone else; reload and try again', details: { currentVersion: 4 } } }],
    });
    renderPage();
    await openTab(user, 'Settings');
    const description = await screen.findByRole('textbox', { name: 'Description' });
    await user.clear(description);
    await user.type(description, 'mine');
    // Someone else saves meanwhile.
    current = hook({ description: 'theirs', version: 4 });
    await user.click(screen.getByRole('button', { name: 'Save endpoint' }));
    await waitFor(() => expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('The current version is 4.'))).toBe(true));
    expect(writes(api)[0].body).toMatchObject({ version: 3, description: 'mine' });
    // My draft stays until I choose to drop it.
    expect(description).toHaveValue('mine');
    await user.click(screen.getByRole('button', { name: 'Load the current version (drops my changes)' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Description' })).toHaveValue('theirs'));
    expect(screen.getByTestId('webhook-version')).toHaveTextContent('version 4');
    expect(screen.queryByRole('button', { name: /Load the current version/ })).toBeNull();
  });

  it('redacted_url_is_kept_unless_a_new_one_is_pasted', async () => {
    const user = userEvent.setup();
    const w = hook({ kind: 'slack', url: 'https://hooks.slack.com/services/T0…', secrets: [] });
    const { api } = serve(() => w, log([]), { [`PATCH ${ONE}`]: (b) => [200, { ...w, version: (b as { version: number }).version + 1 }] });
    renderPage();
    await openTab(user, 'Settings');
    const url = await screen.findByRole('textbox', { name: 'URL' });
    expect(url).toHaveValue('');
    expect(url).toHaveAttribute('placeholder', 'https://hooks.slack.com/services/T0…');
    // Slack and Teams endpoints have no signing secret.
    expect(screen.queryByRole('tab', { name: 'Signing secrets' })).toBeNull();
    await user.type(screen.getByRole('textbox', { name: 'Description' }), ' 2');
    await user.click(screen.getByRole('button', { name: 'Save endpoint' }));
    await waitFor(() => expect(writes(api)).toHaveLength(1));
    expect(writes(api)[0].body).not.toHaveProperty('url');
    await user.click(url);
    await user.paste('https://hooks.slack.com/services/T1/B1/new');
    await user.click(screen.getByRole('button', { name: 'Save endpoint' }));
    await waitFor(() => expect(writes(api)).toHaveLength(2));
    expect(writes(api)[1].body).toMatchObject({ url: 'https://hooks.slack.com/services/T1/B1/new' });
  });

  it('delete_confirms_naming_the_endpoint', async () => {
    const user = userEvent.setup();
    const { api } = serve(() => hook(), log([]), { [`DELETE ${ONE}`]: [204, null] });
    renderPage();
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Delete the webhook endpoint deploy bot?');
    expect(dialog).toHaveTextContent('pending deliveries are dropped');
    expect(writes(api)).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Delete endpoint' }));
    await waitFor(() => expect(writes(api)).toEqual([{ method: 'DELETE', path: ONE, body: undefined }]));
    expect(await screen.findByText('the webhooks list')).toBeInTheDocument();
  });

  it('send_test_event_posts_and_refreshes_the_delivery_log', async () => {
    const user = userEvent.setup();
    const test = delivery({ id: 'msg_test', event: 'webhook.test', changeId: null, state: 'pending', attempts: [], deliveredAt: null, nextAttemptAt: T0 });
    let items: Delivery[] = [];
    const { api } = serve(() => hook(), () => ({ '': { items, next: null } }), {
      [`POST ${ONE}/test`]: () => {
        items = [test];
        return [202, test];
      },
    });
    renderPage();
    expect(await screen.findByTestId('no-deliveries')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send test event' }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(writes(api)).toEqual([{ method: 'POST', path: `${ONE}/test`, body: {} }]);
    expect(rows()[0]).toHaveTextContent('webhook.test');
    expect(rows()[0]).toHaveTextContent('pending');
  });

  it('rotation_shows_the_new_secret_once_and_when_the_old_one_expires', async () => {
    const user = userEvent.setup();
    const until = T0 + 86_400_000;
    const rotated = hook({
      version: 4,
      secrets: [
        { prefix: 'whsec_NeWw', createdAt: T0, expiresAt: null },
        { prefix: 'whsec_AbCd', createdAt: T0 - 1000, expiresAt: until },
      ],
    });
    let current = hook();
    const { api } = serve(() => current, log([]), {
      [`POST ${ONE}/rotate`]: () => {
        current = rotated;
        return [200, { webhook: rotated, secret: 'whsec_TheNewSecret' }];
      },
    });
    renderPage();
    await openTab(user, 'Signing secrets');
    await user.click(await screen.findByRole('button', { name: 'Rotate secret' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate now' }));
    expect(await screen.findByTestId('secret')).toHaveTextContent('whsec_TheNewSecret');
    expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(screen.getByTestId('old-secret-valid')).toHaveTextContent(`The previous secret stays valid until ${dateTime(until)}`);
    expect(writes(api)).toEqual([{ method: 'POST', path: `${ONE}/rotate`, body: { overlapSeconds: 86400 } }]);
    const secrets = screen.getAllByTestId('webhook-secret');
    expect(secrets.map((s) => s.textContent)).toEqual([expect.stringContaining('current'), expect.stringContaining(`until ${dateTime(until)}`)]);
  });

  it('delivery_log_shows_event_change_state_attempts_last_status_and_duration', async () => {
    serve(
      () => hook(),
      log([
        // The log keeps the last attempts; the count is of them all.
        delivery({ id: 'msg_p', state: 'pending', deliveredAt: null, nextAttemptAt: T0 + 60_000, attemptCount: 12, attempts: [{ at: T0, status: 503, durationMs: 40, error: null, response: 'busy' }, { at: T0 + 5000, status: null, durationMs: 10_000, error: 'timed out', response: null }] }),
        delivery({ id: 'msg_d', event: 'flag.changed', changeId: '00000000000000000041' }),
      ]),
    );
    renderPage();
    await waitFor(() => expect(rows()).toHaveLength(2));
    const cells = (r: HTMLElement) => [...r.querySelectorAll('td')].map((c) => c.textContent);
    expect(cells(rows()[0]).slice(1, 8)).toEqual(['state.changed', '42', 'pending', '12', 'no answer', '10000 ms', dateTime(T0 + 5000)]);
    expect(cells(rows()[1]).slice(1, 8)).toEqual(['flag.changed', '41', 'delivered', '1', '200', '12 ms', dateTime(T0 + 1000)]);
  });

  it('expanding_a_delivery_shows_each_attempt_and_the_body_sent', async () => {
    const user = userEvent.setup();
    serve(
      () => hook(),
      log([delivery({ attempts: [{ at: T0, status: 500, durationMs: 31, error: null, response: 'Internal Server Error' }, { at: T0 + 5000, status: null, durationMs: 10_000, error: 'connection refused', response: null }, { at: T0 + 9000, status: 200, durationMs: 12, error: null, response: 'ok' }] })]),
    );
    renderPage();
    const row = (await screen.findAllByTestId('delivery-row'))[0];
    expect(screen.queryByTestId('delivery-details')).toBeNull();
    await user.click(within(row).getByRole('button', { name: 'Details of state.changed msg_1' }));
    const details = await screen.findByTestId('delivery-details');
    const attempts = within(details).getAllByTestId('delivery-attempt');
    expect(attempts).toHaveLength(3);
    expect(attempts[0]).toHaveTextContent('500');
    expect(attempts[0]).toHaveTextContent('31 ms');
    expect(attempts[0]).toHaveTextContent('Internal Server Error');
    expect(attempts[1]).toHaveTextContent('no answer');
    expect(attempts[1]).toHaveTextContent('connection refused');
    expect(attempts[2]).toHaveTextContent('200');
    // The body, indented.
    expect(within(details).getByTestId('delivery-body').textContent).toBe(
      JSON.stringify({ type: 'state.changed', timestamp: '2026-12-03T10:00:00.000Z', data: { summary: 'Ada turned on checkout in Production (Web shop)' } }, null, 2),
    );
    await user.click(within(row).getByRole('button', { name: 'Details of state.changed msg_1' }));
    await waitFor(() => expect(screen.queryByTestId('delivery-details')).toBeNull());
  });

  it('a_delivery_not_sent_yet_has_no_body_to_show', async () => {
    const user = userEvent.setup();
    serve(() => hook(), log([delivery({ id: 'q1', messageId: 'msg_q1', state: 'pending', attempts: [], body: null, deliveredAt: null, nextAttemptAt: T0 })]));
    renderPage();
    const row = (await screen.findAllByTestId('delivery-row'))[0];
    expect(row).toHaveTextContent('pending');
    await user.click(within(row).getByRole('button', { name: 'Details of state.changed q1' }));
    const details = await screen.findByTestId('delivery-details');
    expect(details).toHaveTextContent('Not tried yet.');
    expect(details).toHaveTextContent('Made when it is first sent.');
    expect(details).toHaveTextContent('msg_q1');
    expect(screen.queryByTestId('delivery-body')).toBeNull();
  });

  it('redeliver_posts_to_the_delivery', async () => {
    const user = userEvent.setup();
    const { api } = serve(() => hook(), log([delivery({ id: 'msg_a' }), delivery({ id: 'msg_b', event: 'flag.changed' })]), {
      [`POST ${ONE}/deliveries/msg_b/redeliver`]: [202, delivery({ id: 'msg_b', event: 'flag.changed', state: 'pending' })],
    });
    renderPage();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(within(rows()[1]).getByRole('button', { name: 'Redeliver' }));
    await waitFor(() => expect(writes(api)).toEqual([{ method: 'POST', path: `${ONE}/deliveries/msg_b/redeliver`, body: {} }]));
  });

  it('delivery_log_pages_with_next', async () => {
    const user = userEvent.setup();
    const { asked } = serve(() => hook(), () => ({
      '': { items: [delivery({ id: 'msg_1' }), delivery({ id: 'msg_2' })], next: 'c-2' },
      'c-2': { items: [delivery({ id: 'msg_3', event: 'segment.changed' })], next: null },
    }));
    renderPage();
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(asked[0].has('cursor')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Load more deliveries' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((r) => r.getAttribute('data-delivery'))).toEqual(['msg_1', 'msg_2', 'msg_3']);
    expect(asked.at(-1)!.get('cursor')).toBe('c-2');
    expect(screen.queryByRole('button', { name: 'Load more deliveries' })).toBeNull();
  });

  it('failing_endpoint_says_since_when', async () => {
    serve(() => hook({ failingSince: T0 }), log([]));
    renderPage();
    expect(await screen.findByTestId('failing-notice')).toHaveTextContent(`Failing since ${dateTime(T0)}`);
    expect(screen.getByTestId('webhook-status')).toHaveTextContent(`Failing since ${dateTime(T0)}`);
    expect(screen.queryByTestId('disabled-banner')).toBeNull();
  });

  it('disabled_endpoint_shows_the_owner_warning_and_enables_with_the_version', async () => {
    const user = userEvent.setup();
    let current = hook({ enabled: false, disabledAt: T0, disabledReason: 'connection refused for 24 hours', version: 9 });
    const { api } = serve(() => current, log([]), {
      [`PATCH ${ONE}`]: () => {
        current = { ...current, enabled: true, disabledAt: null, disabledReason: null, version: 10 };
        return [200, current];
      },
    });
    renderPage();
    const banner = await screen.findByTestId('disabled-banner');
    expect(banner).toHaveTextContent('after its deliveries had failed for a day');
    expect(banner).toHaveTextContent('Reason: connection refused for 24 hours');
    await user.click(within(banner).getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(writes(api)).toEqual([{ method: 'PATCH', path: ONE, body: { version: 9, enabled: true } }]));
    await waitFor(() => expect(screen.queryByTestId('disabled-banner')).toBeNull());
    expect(screen.getByTestId('webhook-status')).toHaveTextContent('Enabled');
  });

  it('a_missing_endpoint_says_so', async () => {
    vi.stubGlobal('fetch', fakeFetch({ ...orgRoutes() }).fn);
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent('Not found');
    expect(screen.getByRole('link', { name: 'Webhooks' })).toHaveAttribute('href', '/orgs/o1/webhooks');
  });
});
