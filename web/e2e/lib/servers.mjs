// The processes an end-to-end run needs: `switchyard serve` and a static server for the SDK demo,
// each on a free 127.0.0.1 port, each stopped by the run.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(what, fn, timeoutMs = 30_000, everyMs = 200) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** Every story signs up many users from 127.0.0.1: more than the per-address default. */
const TEST_LIMITS = { SWITCHYARD_SIGNUPS_PER_ADDRESS: '1000000' };

/** Starts `switchyard serve`; resolves once /healthz answers. `env` adds to the environment. */
export async function startSwitchyard({ bin, dataDir, webDir, sdkBundle, logFile, env = {} }) {
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const child = spawn(
    bin,
    ['serve', '--addr', addr, '--data-dir', dataDir, '--web-dir', webDir, '--sdk-bundle', sdkBundle, '--revision-check-secs', '2'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...TEST_LIMITS, ...env } },
  );
  const out = [];
  const keep = (d) => {
    out.push(d.toString());
    if (out.length > 400) out.shift();
    logFile?.write(d);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, sig) => (exited = code ?? sig));
  const url = `http://${addr}`;
  await waitFor('switchyard serve to answer /healthz', async () => {
    if (exited !== null) throw new Error(`switchyard exited (${exited}): ${out.join('').slice(-2000)}`);
    const r = await fetch(`${url}/healthz`);
    return r.ok;
  });
  return {
    url,
    logs: () => out.join(''),
    stop: () => stopChild(child),
  };
}

export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Serves one folder over HTTP on 127.0.0.1. */
export async function startStatic(root) {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const file = path.join(root, path.normalize(decodeURIComponent(u.pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

/**
 * A webhook receiver on 127.0.0.1: answers every POST with 200 and keeps what came (method, path,
 * headers, body as text), so a test can check what Switchyard sent and how it was signed.
 */
export async function startReceiver() {
  const port = await freePort();
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('received');
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
