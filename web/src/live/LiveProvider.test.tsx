import { useQuery } from '@tanstack/react-query';
import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flagKeys } from '../api/flags';
import { isFeedUp } from '../api/live';
import { renderUi } from '../test/render';
import type { ChangeEvent } from './change';
import { setConfig } from '../config';
import { LiveProvider, feedUrl, useFeedStatus, useLiveChanges } from './LiveProvider';

const enc = new TextEncoder();

/** The events endpoint as a stream the test writes to; each connection is a new stream. */
function server() {
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const urls: string[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL) => {
    urls.push(String(input));
    const body = new ReadableStream<Uint8Array>({ start: (c) => void streams.push(c) });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  });
  vi.stubGlobal('fetch', fn);
  return {
    urls,
    send: (c: Partial<ChangeEvent>) =>
      streams.at(-1)!.enqueue(enc.encode(`id: ${c.id}\nevent: change\ndata: ${JSON.stringify({ actor: 'user:ada', keys: [], revisions: {}, at: 0, ...c })}\n\n`)),
    drop: () => streams.at(-1)!.close(),
    connections: () => streams.length,
  };
}

/** How many times each query below has fetched. */
const counts = { dev: 0, prod: 0 };

/** Two queries, of development's and production's states, counting their fetches. */
function Pages({ seen }: { seen: ChangeEvent[] }) {
  const dev = useQuery({ queryKey: flagKeys.states('p1', 'e-dev'), queryFn: () => ++counts.dev });
  const prod = useQuery({ queryKey: flagKeys.states('p1', 'e-prod'), queryFn: () => ++counts.prod });
  useLiveChanges((c) => seen.push(c));
  return (
    <p>
      <span data-testid="status">{useFeedStatus()}</span> dev {dev.data} prod {prod.data}
    </p>
  );
}

function show() {
  const seen: ChangeEvent[] = [];
  renderUi(
    <LiveProvider org="o1">
      <Pages seen={seen} />
    </LiveProvider>,
  );
  return seen;
}

beforeEach(() => window.localStorage.setItem('switchyard.token', 't'));
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('the live provider', () => {
  it("opens the organization's feed and refreshes only the queries a change affects", async () => {
    const s = server();
    const seen = show();
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('up'));
    expect(s.urls[0]).toBe('/api/v1/orgs/o1/events');
    expect(isFeedUp()).toBe(true);
    const before = screen.getByText(/dev/).textContent!;
    const [, dev, prod] = before.match(/dev (\d+) prod (\d+)/)!.map(Number);
    s.send({ id: '1', projectId: 'p1', environmentId: 'e-dev', action: 'flag_state.update', keys: ['hero'], revisions: { 'e-dev': 2 } });
    await waitFor(() => expect(screen.getByText(new RegExp(`dev ${dev + 1} prod ${prod}$`))).toBeInTheDocument());
    expect(seen.map((c) => c.id)).toEqual(['1']);
  });

  it('refreshes everything once after a reconnect, since changes may have been missed', async () => {
    const s = server();
    show();
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('up'));
    const [, dev, prod] = screen.getByText(/dev/).textContent!.match(/dev (\d+) prod (\d+)/)!.map(Number);
    s.drop();
    await waitFor(() => expect(s.connections()).toBe(2), { timeout: 3000 });
    await waitFor(() => expect(screen.getByText(new RegExp(`dev ${dev + 1} prod ${prod + 1}$`))).toBeInTheDocument());
  });
});

describe('feedUrl', () => {
  afterEach(() => setConfig({ apiBaseUrl: '', realtimeUrl: '', feedUrl: '' }));

  it('goes to the feed function when config.json names one (AWS)', () => {
    setConfig({ apiBaseUrl: 'https://api.example.com', realtimeUrl: 'https://rt.example.com', feedUrl: 'https://f.lambda-url.eu-west-1.on.aws' });
    expect(feedUrl('o1')).toBe('https://f.lambda-url.eu-west-1.on.aws/api/v1/orgs/o1/events');
  });

  it("goes to the API's origin otherwise (serve: the page's own)", () => {
    setConfig({ apiBaseUrl: '', realtimeUrl: 'https://rt.example.com', feedUrl: '' });
    expect(feedUrl('o1')).toBe('/api/v1/orgs/o1/events');
  });
});
