import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment, FlagdDocument } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { FlagdPanel } from './FlagdPanel';
import { ImportFlagd } from './ImportFlagd';

const FLAGD = '/api/v1/projects/p1/environments/e2/flagd';
const env = (critical = false) =>
  ({ id: 'e2', orgId: 'o1', projectId: 'p1', key: 'production', name: 'Production', revision: 4, allowedOrigins: [], createdAt: 0, critical }) as Environment;
const CURRENT: FlagdDocument = {
  flags: {
    hero: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
    same: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' },
  },
};
const FILE = {
  flags: {
    hero: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
    same: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' },
    fresh: { state: 'DISABLED', variants: { a: 'a' }, defaultVariant: 'a' },
  },
};

afterEach(() => vi.unstubAllGlobals());

async function paste(text: string) {
  const box = await screen.findByRole('textbox', { name: 'flagd document' });
  fireEvent.change(box, { target: { value: text } });
}

describe('ImportFlagd', () => {
  it('shows a parse error in place and sends nothing', async () => {
    const api = fakeFetch({});
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ImportFlagd project="p1" env={env()} opened onClose={() => {}} />);
    await paste('{"flags": {"x": {"state": "ON", "variants": {"on": true}}}}');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Preview changes' }));
    const problems = screen.getByTestId('flagd-parse-problems');
    expect(problems).toHaveTextContent('/flags/x/state');
    expect(problems).toHaveTextContent('must be "ENABLED" or "DISABLED", not "ON"');
    expect(api.calls).toEqual([]);
  });

  it('previews the file against the current export, then imports it on confirmation', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      [`GET ${FLAGD}`]: [200, CURRENT],
      [`PUT ${FLAGD}`]: [200, { flagsCreated: 1, flagsUpdated: 0, statesUpdated: 2, segmentsWritten: 0, change: '42' }],
    });
    vi.stubGlobal('fetch', api.fn);
    const onClose = vi.fn();
    renderUi(<ImportFlagd project="p1" env={env()} opened onClose={onClose} />);
    await paste(JSON.stringify(FILE));
    await user.click(screen.getByRole('button', { name: 'Preview changes' }));
    const preview = await screen.findByTestId('flagd-preview');
    expect(within(preview).getByTestId('preview-added')).toHaveTextContent('1 added');
    expect(within(preview).getByTestId('preview-changed')).toHaveTextContent('1 changed');
    expect(within(preview).getByTestId('preview-unchanged')).toHaveTextContent('1 unchanged');
    expect(within(preview).getByTestId('preview-row-hero')).toHaveTextContent('turned on (was off)');
    expect(api.calls.filter((c) => c.method === 'PUT')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Import into Production' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(api.calls.find((c) => c.method === 'PUT')?.body).toEqual(FILE);
  });

  it("shows the server's problems when it refuses the import", async () => {
    const user = userEvent.setup();
    const api = fakeFetch({
      [`GET ${FLAGD}`]: [200, CURRENT],
      [`PUT ${FLAGD}`]: [
        422,
        { error: { code: 'invalid', message: 'the flagd document breaks the rules flags and segments follow', details: [{ path: '/flags/fresh/targeting', message: 'unknown operator "nope"' }] } },
      ],
    });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ImportFlagd project="p1" env={env()} opened onClose={() => {}} />);
    await paste(JSON.stringify({ flags: { fresh: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on', targeting: { nope: [] } } } }));
    await user.click(screen.getByRole('button', { name: 'Preview changes' }));
    await user.click(await screen.findByRole('button', { name: 'Import into Production' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The server refused the import; nothing was changed');
    expect(alert).toHaveTextContent('/flags/fresh/targeting');
    expect(alert).toHaveTextContent('unknown operator "nope"');
  });

  it('says when the file changes nothing, and offers no import', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', fakeFetch({ [`GET ${FLAGD}`]: [200, CURRENT] }).fn);
    renderUi(<ImportFlagd project="p1" env={env()} opened onClose={() => {}} />);
    await paste(JSON.stringify(CURRENT));
    await user.click(screen.getByRole('button', { name: 'Preview changes' }));
    expect(await screen.findByTestId('flagd-nothing')).toHaveTextContent('Nothing to import');
    expect(screen.getByRole('button', { name: 'Import into Production' })).toBeDisabled();
  });

  it('warns before importing into a critical environment', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', fakeFetch({ [`GET ${FLAGD}`]: [200, CURRENT] }).fn);
    renderUi(<ImportFlagd project="p1" env={env(true)} opened onClose={() => {}} />);
    await paste(JSON.stringify(FILE));
    await user.click(screen.getByRole('button', { name: 'Preview changes' }));
    expect(await screen.findByText('Production is a critical environment')).toBeInTheDocument();
  });

  it('reads an uploaded file into the document', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', fakeFetch({}).fn);
    const { container } = renderUi(<ImportFlagd project="p1" env={env()} opened onClose={() => {}} />);
    const input = container.ownerDocument.querySelector('input[type="file"]') as HTMLInputElement;
    await user.upload(input, new File([JSON.stringify(FILE)], 'flags.json', { type: 'application/json' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'flagd document' })).toHaveValue(JSON.stringify(FILE)));
  });
});

describe('FlagdPanel', () => {
  it('export downloads the environment as a flagd JSON file', async () => {
    vi.stubGlobal('fetch', fakeFetch({ [`GET ${FLAGD}`]: [200, CURRENT] }).fn);
    const created: Blob[] = [];
    // jsdom has no object URLs: a stand-in that keeps the blob.
    const url = URL as unknown as { createObjectURL?: (b: Blob) => string; revokeObjectURL?: (u: string) => void };
    url.createObjectURL = (b) => (created.push(b), 'blob:x');
    url.revokeObjectURL = () => {};
    const names: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    renderUi(<FlagdPanel project="p1" projectName="Checkout service" env={env()} canEdit />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Export flagd JSON' }));
    await waitFor(() => expect(names).toEqual(['checkout-service-production.flagd.json']));
    expect(JSON.parse(await created[0].text())).toEqual(CURRENT);
    click.mockRestore();
    delete url.createObjectURL;
    delete url.revokeObjectURL;
  });
});
