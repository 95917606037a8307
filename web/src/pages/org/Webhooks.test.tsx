import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../api/types';
import type { Webhook } from '../../api/types';
import { dateTime } from '../../lib/format';
import { fakeFetch, renderUi } from '../../test/render';
import { hook, HOOKS, orgRoutes, T0 } from '../../test/webhook-fixtures';
import Webhooks from './Webhooks';

afterEach(() => vi.unstubAllGlobals());

type Routes_ = Parameters<typeof fakeFetch>[0];

function serve(items: Webhook[], more: Routes_ = {}, role: Role = 'admin') {
  const api = fakeFetch({ ...orgRoutes(role), [`GET ${HOOKS}`]: [200, { items }], ...more });
  vi.stubGlobal('fetch', api.fn);
  return api;
}

const renderList = () =>
  renderUi(
    <Routes>
      <Route path="/orgs/:org/webhooks" element={<Webhooks />} />
      <Route path="/orgs/:org/webhooks/:webhook" element={<div>endpoint page</div>} />
    </Routes>,
    { route: '/orgs/o1/webhooks' },
  );

const writes = (api: ReturnType<typeof fakeFetch>) => api.calls.filter((c) => c.method !== 'GET');

/** Opens "New endpoint" and fills the URL (and the kind, when not standard). */
async function startCreate(user: ReturnType<typeof userEvent.setup>, { kind, url }: { kind?: string; url?: string } = {}) {
  await user.click(await screen.findByRole('button', { name: 'New endpoint' }));
  const dialog = await screen.findByRole('dialog');
  if (kind) {
    await user.click(within(dialog).getByRole('combobox', { name: 'Kind' }));
    await user.click(await screen.findByRole('option', { name: kind }));
  }
  if (url) {
    await user.click(within(dialog).getByRole('textbox', { name: /^URL/ }));
    await user.paste(url);
  }
  return dialog;
}

describe('Webhooks page', () => {
  it('lists_endpoints_with_kind_redacted_url_description_filters_and_status', async () => {
    serve([
      hook({ filter: { projects: ['p1'], environments: ['e2'], tags: ['payments'], events: ['state.changed'] } }),
      hook({ id: 'w2', kind: 'slack', url: 'https://hooks.slack.com/services/T0…', description: '#releases', secrets: [], failingSince: T0 }),
      hook({ id: 'w3', kind: 'teams', url: 'https://acme.webhook.office.com/…', description: 'ops channel', secrets: [], enabled: false }),
    ]);
    renderList();
    const std = await screen.findByTestId('webhook-row-w1');
    expect(std).toHaveTextContent('Standard');
    expect(within(std).getByRole('link', { name: 'https://example.com/hooks/switchyard' })).toHaveAttribute('href', '/orgs/o1/webhooks/w1');
    expect(std).toHaveTextContent('deploy bot');
    // Ids become names once the org's projects and environments are read.
    await waitFor(() => expect(std).toHaveTextContent('Projects: Storefront · Environments: Storefront / production · Tags: payments · Events: state.changed'));
    expect(within(std).getByTestId('webhook-status')).toHaveTextContent('Enabled');

    const slack = screen.getByTestId('webhook-row-w2');
    expect(slack).toHaveTextContent('Slack');
    expect(slack).toHaveTextContent('https://hooks.slack.com/services/T0…');
    expect(slack).toHaveTextContent('Every change');
    expect(within(slack).getByTestId('webhook-status')).toHaveTextContent(`Failing since ${dateTime(T0)}`);

    const teams = screen.getByTestId('webhook-row-w3');
    expect(teams).toHaveTextContent('Teams');
    expect(within(teams).getByTestId('webhook-status')).toHaveTextContent('Disabled');
    // Turned off by an admin, not by Switchyard: no warning.
    expect(screen.queryByTestId('disabled-banner')).toBeNull();
  });

  it('disabled_endpoint_shows_the_owner_warning', async () => {
    serve([hook({ enabled: false, disabledAt: T0, disabledReason: 'disabled after failing for 24 hours: the last attempt answered 500', failingSince: T0 - 86_400_000 })]);
    renderList();
    const banner = await screen.findByTestId('disabled-banner');
    expect(banner).toHaveTextContent('Webhook disabled: deploy bot');
    expect(banner).toHaveTextContent(`disabled this endpoint on ${dateTime(T0)} after its deliveries had failed for a day`);
    expect(banner).toHaveTextContent('Reason: disabled after failing for 24 hours: the last attempt answered 500');
    expect(within(banner).getByRole('button', { name: 'Enable' })).toBeInTheDocument();
    expect(within(screen.getByTestId('webhook-row-w1')).getByTestId('webhook-status')).toHaveTextContent('Disabled');
  });

  it('an_endpoint_disabled_by_an_admin_gets_a_plain_notice_not_the_warning', async () => {
    serve([hook({ enabled: false, disabledAt: T0, disabledReason: 'disabled by user:u1' })]);
    renderList();
    const notice = await screen.findByTestId('disabled-notice');
    await waitFor(() => expect(notice).toHaveTextContent(`deploy bot was disabled by Ada on ${dateTime(T0)}`));
    expect(within(notice).getByRole('button', { name: 'Enable' })).toBeInTheDocument();
    expect(screen.queryByTestId('disabled-banner')).toBeNull();
  });

  it('enable_patches_enabled_true_with_the_version', async () => {
    const user = userEvent.setup();
    const off = hook({ enabled: false, disabledAt: T0, disabledReason: 'disabled after failing for 24 hours: the last attempt timed out', version: 7 });
    const api = serve([off], { [`PATCH ${HOOKS}/w1`]: [200, { ...off, enabled: true, disabledAt: null, disabledReason: null, version: 8 }] });
    renderList();
    await user.click(within(await screen.findByTestId('disabled-banner')).getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(writes(api)).toEqual([{ method: 'PATCH', path: `${HOOKS}/w1`, body: { version: 7, enabled: true } }]));
  });

  it('create_sends_kind_url_description_and_filters', async () => {
    const user = userEvent.setup();
    const api = serve([], { [`POST ${HOOKS}`]: [201, { webhook: hook(), secret: 'whsec_new' }] });
    renderList();
    const dialog = await startCreate(user, { url: 'https://example.com/hooks/switchyard' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'deploy bot');
    await user.click(within(dialog).getByRole('combobox', { name: 'Projects' }));
    await user.click(await screen.findByRole('option', { name: 'Storefront' }));
    await user.click(within(dialog).getByRole('combobox', { name: 'Environments' }));
    await user.click(await screen.findByRole('option', { name: 'Storefront / production' }));
    await user.type(within(dialog).getByRole('combobox', { name: 'Flag tags' }), 'payments{Enter}');
    await user.click(within(dialog).getByRole('checkbox', { name: 'flag.changed' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'state.changed' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    await waitFor(() =>
      expect(writes(api)).toEqual([
        {
          method: 'POST',
          path: HOOKS,
          body: {
            kind: 'standard',
            url: 'https://example.com/hooks/switchyard',
            description: 'deploy bot',
            filter: { projects: ['p1'], environments: ['e2'], tags: ['payments'], events: ['flag.changed', 'state.changed'] },
          },
        },
      ]),
    );
  });

  it('shows_the_secret_once_after_create', async () => {
    const user = userEvent.setup();
    serve([], { [`POST ${HOOKS}`]: [201, { webhook: hook(), secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }] });
    renderList();
    const dialog = await startCreate(user, { url: 'https://example.com/hooks/switchyard' });
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    expect(await within(dialog).findByTestId('secret')).toHaveTextContent('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(within(dialog).getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(within(dialog).getByTestId('secret-note')).toHaveTextContent('You will not see it again');
    expect(within(dialog).getByRole('link', { name: 'Open endpoint' })).toHaveAttribute('href', '/orgs/o1/webhooks/w1');
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.queryByText('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
    // Opening the dialog again starts a new endpoint; the secret is gone for good.
    const again = await startCreate(user);
    expect(within(again).queryByTestId('secret')).toBeNull();
    expect(within(again).getByRole('textbox', { name: /^URL/ })).toHaveValue('');
  });

  it('slack_create_sends_the_kind_and_shows_no_secret', async () => {
    const user = userEvent.setup();
    const slack = hook({ kind: 'slack', url: 'https://hooks.slack.com/services/T0…', secrets: [] });
    const api = serve([], { [`POST ${HOOKS}`]: [201, { webhook: slack, secret: null }] });
    renderList();
    const dialog = await startCreate(user, { kind: 'Slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' });
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(writes(api)[0].body).toMatchObject({ kind: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' });
    expect(screen.queryByTestId('secret')).toBeNull();
  });

  it('create_checks_the_url_before_sending', async () => {
    const user = userEvent.setup();
    const api = serve([]);
    renderList();
    const dialog = await startCreate(user);
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    expect(await within(dialog).findByText('Enter the URL to send to')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /^URL/ }), 'ftp://example.com/x');
    expect(within(dialog).getByText('Use an https:// URL')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    expect(writes(api)).toEqual([]);
  });

  it('create_shows_the_api_refusal_in_place', async () => {
    const user = userEvent.setup();
    serve([], {
      [`POST ${HOOKS}`]: [422, { error: { code: 'invalid', message: 'the webhook is not valid', details: [{ path: '/url', message: 'private network addresses are not allowed' }] } }],
    });
    renderList();
    const dialog = await startCreate(user, { url: 'https://10.0.0.1/hook' });
    await user.click(within(dialog).getByRole('button', { name: 'Create endpoint' }));
    expect((await within(dialog).findAllByText('private network addresses are not allowed')).length).toBeGreaterThan(0);
    expect(within(dialog).queryByTestId('secret')).toBeNull();
  });

  it('non_admins_see_why_and_the_webhooks_are_not_asked_for', async () => {
    const api = serve([hook()], {}, 'editor');
    renderList();
    expect(await screen.findByTestId('read-only')).toHaveTextContent('You are an editor');
    expect(screen.queryByRole('button', { name: 'New endpoint' })).toBeNull();
    expect(api.calls.filter((c) => c.path.startsWith(HOOKS))).toEqual([]);
  });
});
