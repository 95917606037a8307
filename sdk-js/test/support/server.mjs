// A real `switchyard serve` for the SDK's integration and browser tests: started on a free
// loopback port with its own data directory, stopped by the test that started it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const sdkRoot = resolve(here, '../..');
const bin = process.env.SWITCHYARD_BIN || resolve(sdkRoot, '../target/release/switchyard');

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export class Switchyard {
  constructor(port, dataDir) {
    this.port = port;
    this.dataDir = dataDir;
    this.base = `http://127.0.0.1:${port}`;
    this.child = null;
  }

  static async start() {
    const s = new Switchyard(await freePort(), mkdtempSync(join(tmpdir(), 'switchyard-sdk-')));
    await s.run();
    return s;
  }

  /** Starts (or restarts) the process on the same port and data. */
  run() {
    const child = spawn(
      bin,
      ['serve', '--addr', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir,
        '--sdk-bundle', join(sdkRoot, 'dist/switchyard.min.js'), '--web-dir', join(this.dataDir, 'no-web')],
      // Every test signs up from 127.0.0.1: more than the per-address default.
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'warn', SWITCHYARD_SIGNUPS_PER_ADDRESS: '1000000' } },
    );
    this.child = child;
    // Never outlive the test, even when it fails.
    process.once('exit', () => child.kill('SIGKILL'));
    return new Promise((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Switchyard is running at')) ok();
      });
      child.on('exit', (code) => fail(new Error(`switchyard exited (${code}) before it was ready: ${out}`)));
    });
  }

  /** Graceful stop (SIGTERM: clients get 1012), waiting for the exit. */
  stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((ok) => {
      child.on('exit', () => ok());
      child.kill('SIGTERM');
    });
  }

  async close() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A signed-up admin with a project, a `beta` boolean flag and a `color` string flag. */
export async function tenant(base, email = `ada-${Date.now()}-${Math.random()}@example.com`) {
  const call = async (method, path, body, token) => {
    const r = await fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return json;
  };
  const s = await call('POST', '/api/v1/auth/signup', {
    email, password: 'correct horse battery', name: 'Ada', organization: 'Acme',
  });
  const as = (method, path, body) => call(method, path, body, s.token);
  const p = await as('POST', `/api/v1/orgs/${s.organization.id}/projects`, { name: 'Web', environments: ['production'] });
  const project = p.project.id;
  const env = p.environments[0].id;
  await as('POST', `/api/v1/projects/${project}/flags`, {
    key: 'beta', type: 'boolean', variants: [{ name: 'on', value: true }, { name: 'off', value: false }],
  });
  await as('POST', `/api/v1/projects/${project}/flags`, {
    key: 'color', type: 'string', variants: [{ name: 'blue', value: 'blue' }, { name: 'green', value: 'green' }],
  });
  const key = await as('POST', `/api/v1/projects/${project}/environments/${env}/keys`, { kind: 'client' });
  const versions = {};
  /** Sets a flag on with a default variant (and optional targeting); returns the new version. */
  const set = async (flag, defaultVariant, targeting = null) => {
    const state = await as('PUT', `/api/v1/projects/${project}/environments/${env}/flags/${flag}`, {
      enabled: true, defaultVariant, targeting, version: versions[flag] || 0,
    });
    versions[flag] = state.version;
    return state.version;
  };
  await set('beta', 'off');
  await set('color', 'blue');
  return { clientKey: key.secret, project, env, set, call: as };
}
