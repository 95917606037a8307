// Real processes on loopback for the scenarios: redis-server, the moto server (DynamoDB), and
// `switchyard serve` / `switchyard realtime`. Every process is killed when the suite exits.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../sdk-js/test/support/server.mjs';

export { freePort };
export const root = resolve(import.meta.dirname, '..', '..');
export const bin = process.env.SWITCHYARD_BIN || join(root, 'target/release/switchyard');
const all = new Set();
process.once('exit', () => {
  for (const c of all) c.kill('SIGKILL');
});

export const tempDir = (name) => mkdtempSync(join(tmpdir(), `switchyard-${name}-`));
export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A process that is ready when a line appears on its stdout or a probe succeeds. */
export class Service {
  constructor(name, cmd, args, { line, probe, env = {} } = {}) {
    Object.assign(this, { name, cmd, args, line, probe, env, child: null });
  }

  async start() {
    const child = spawn(this.cmd, this.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: 'error', ...this.env },
    });
    this.child = child;
    all.add(child);
    let out = '';
    const exited = new Promise((_, fail) =>
      child.once('exit', (code) => fail(new Error(`${this.name} exited (${code}) before it was ready: ${out.slice(-2000)}`))),
    );
    exited.catch(() => {});
    child.stderr.on('data', (d) => (out += d));
    const ready = new Promise((ok) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (this.line && out.includes(this.line)) ok();
      });
      if (this.probe) {
        const poll = async () => ((await this.probe().catch(() => false)) ? ok() : setTimeout(poll, 50));
        poll();
      }
    });
    await Promise.race([ready, exited, sleep(30000).then(() => Promise.reject(new Error(`${this.name} not ready in 30 s`)))]);
    return this;
  }

  /** SIGTERM (graceful) or SIGKILL, waiting for the exit. */
  stop(signal = 'SIGTERM') {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode) return Promise.resolve();
    return new Promise((ok) => {
      child.once('exit', () => {
        all.delete(child);
        ok();
      });
      child.kill(signal);
    });
  }

  kill() {
    return this.stop('SIGKILL');
  }
}

export async function redis() {
  const port = await freePort();
  const s = new Service('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    line: 'Ready to accept connections',
  });
  s.url = `redis://127.0.0.1:${port}`;
  return s.start();
}

/** moto, one request at a time (as DynamoDB serialises transactions; see core/tests/support). */
export async function moto() {
  const port = await freePort();
  const site = tempDir('moto-site');
  writeFileSync(
    join(site, 'sitecustomize.py'),
    "import werkzeug.serving as _s\n_run = _s.run_simple\n\ndef run_simple(*a, **k):\n    k['threaded'] = False\n    return _run(*a, **k)\n\n_s.run_simple = run_simple\n",
  );
  const url = `http://127.0.0.1:${port}`;
  const s = new Service('moto', join(root, '.venv/bin/moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    env: { PYTHONPATH: site },
    probe: async () => (await fetch(url)).status < 500,
  });
  s.url = url;
  return s.start();
}

export const awsEnv = (endpoint) => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
});

/** `switchyard serve` (or `realtime`) on a free port; `restart()` keeps port and data. */
export async function switchyard(role = 'serve', extra = [], env = {}) {
  const port = await freePort();
  const data = tempDir('data');
  mkdirSync(data, { recursive: true });
  const args = [role, '--addr', `127.0.0.1:${port}`, '--sdk-bundle', join(root, 'sdk-js/dist/switchyard.min.js')];
  if (role === 'serve') args.push('--data-dir', data, '--web-dir', join(data, 'none'));
  const s = new Service(`switchyard ${role}`, bin, [...args, ...extra], {
    // Scenarios sign up many users from 127.0.0.1; the login scenario sets its own limits.
    env: { SWITCHYARD_SIGNUPS_PER_ADDRESS: '1000000', ...env },
    line: role === 'serve' ? 'Switchyard is running at' : 'Switchyard realtime is listening',
  });
  s.base = `http://127.0.0.1:${port}`;
  s.port = port;
  s.data = data;
  return s.start();
}

/** Counts from the Prometheus text at /metrics, by name without `switchyard_` and `_total`. */
export async function metrics(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\s+([0-9.e+-]+)$/.exec(line);
    if (m) out[m[1].replace(/^switchyard_/, '').replace(/_total$/, '')] = Number(m[2]);
  }
  return out;
}
