import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

const fake = (status: number, body: string) => (async () => new Response(body, { status })) as unknown as typeof fetch;

describe('runtime config', () => {
  it('reads /config.json', async () => {
    expect(await loadConfig(fake(200, '{"apiBaseUrl":"https://api.example.com/","realtimeUrl":"","feedUrl":"https://x.lambda-url.eu-west-1.on.aws/"}'))).toEqual({ apiBaseUrl: 'https://api.example.com', realtimeUrl: '', feedUrl: 'https://x.lambda-url.eu-west-1.on.aws' });
  });
  it('treats a 404 or an HTML fallback as same origin', async () => {
    expect(await loadConfig(fake(404, 'nope'))).toEqual({ apiBaseUrl: '', realtimeUrl: '', feedUrl: '' });
    expect(await loadConfig(fake(200, '<!doctype html>'))).toEqual({ apiBaseUrl: '', realtimeUrl: '', feedUrl: '' });
  });
});
