// The demo page in real Chromium (Debian's, driven by playwright-core) against a real
// `switchyard serve`: one script tag, live values, SSE, a server restart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Switchyard, freePort, sdkRoot, tenant } from '../support/server.mjs';

const results = [];
async function step(name, fn) {
  const started = Date.now();
  await fn();
  results.push(name);
  console.log(`ok - ${name} (${Date.now() - started} ms)`);
}

/** Serves examples/ the way a customer's site would: another origin than the flag server. */
async function site() {
  const port = await freePort();
  const http = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path !== '/' && path !== '/index.html') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(readFileSync(join(sdkRoot, 'examples/index.html')));
  });
  await new Promise((ok) => http.listen(port, '127.0.0.1', ok));
  return { http, url: `http://127.0.0.1:${port}/index.html` };
}

const server = await Switchyard.start();
const page_ = await site();
let browser;
const timeout = 10000;
try {
  // launch() gives Chromium a fresh, temporary profile of its own.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const t = await tenant(server.base);
  const open = async (extra = '', clientKey = t.clientKey) => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    const q = new URLSearchParams({ baseUrl: server.base, clientKey, flag: 'beta' });
    await page.goto(`${page_.url}?${q}${extra}`);
    return page;
  };
  const shows = (page, text) => page.waitForFunction((v) => document.getElementById('value').textContent === v, text, { timeout });
  /** Changes the flag and measures until the page shows it. */
  const change = async (page, variant, text) => {
    const t0 = Date.now();
    await t.set('beta', variant);
    await shows(page, text);
    return Date.now() - t0;
  };

  let page;
  await step('the script tag loads the SDK from the server and shows the value', async () => {
    page = await open();
    await shows(page, 'false');
    assert.equal(await page.evaluate(() => typeof window.Switchyard.init), 'function');
    assert.equal(await page.textContent('#transport'), 'ws');
  });

  const latencies = [];
  await step('an admin change appears on the page', async () => {
    for (let i = 0; i < 5; i++) {
      latencies.push(await change(page, 'on', 'true'));
      latencies.push(await change(page, 'off', 'false'));
    }
    console.log(`  change → page, over ${latencies.length} changes: ${latencies.join(', ')} ms`);
  });

  await step('the page keeps cached values on reload and marks them until the network confirms', async () => {
    await page.reload();
    await shows(page, 'false');
    const reason = await page.evaluate(() => window.switchyard.detail('beta', false).reason);
    assert.ok(['CACHED', 'STATIC'].includes(reason), reason);
    await page.waitForFunction(() => window.switchyard.status.source === 'network', null, { timeout });
  });

  await step('SSE works the same where WebSockets are not used', async () => {
    const sse = await open('&streaming=sse&targetingKey=sse-user');
    await shows(sse, 'false');
    assert.equal(await sse.textContent('#transport'), 'sse');
    await change(sse, 'on', 'true');
    await sse.close();
  });

  await step('a page whose origin the environment does not allow is told so, not that its key is wrong', async () => {
    const other = await tenant(server.base);
    await other.call('PATCH', `/api/v1/projects/${other.project}/environments/${other.env}`, {
      allowedOrigins: ['https://shop.example.com'],
    });
    const refused = await open('', other.clientKey);
    await refused.waitForFunction(() => document.getElementById('error').textContent !== '', null, { timeout });
    const error = await refused.textContent('#error');
    assert.match(error, /allowed origins/, error);
    assert.ok(error.includes(new URL(page_.url).origin), error);
    await refused.close();
  });

  await step('the page survives a server restart and converges', async () => {
    await server.stop();
    await server.run();
    const ms = await change(page, 'on', 'true');
    console.log(`  after the restart, the change reached the page in ${ms} ms`);
    assert.equal(await page.textContent('#error'), '');
  });
  console.log(`# ${results.length} browser checks passed`);
} finally {
  await browser?.close();
  page_.http.close();
  await server.close();
}
