// The dashboard API and the SDK endpoints, as a test drives them.
import WebSocket from 'ws';
import { init } from '../../sdk-js/dist/index.js';

/** One HTTP call; never throws on a status, returns {status, body, text, headers}. */
export async function request(base, method, path, { token, key, body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (key) h['X-API-Key'] = key;
  if (body !== undefined || raw !== undefined) h['Content-Type'] ??= 'application/json';
  const r = await fetch(base + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await r.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: r.status, body: json, text, headers: r.headers };
}

const ok = (r, what) => {
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text}`);
  return r.body;
};

let n = 0;
export const password = 'correct horse battery';

/** A signed-up user (owner of a new organization) and what it creates. */
export class Admin {
  static async signup(base, organization = 'Acme') {
    const email = `user-${process.pid}-${Date.now()}-${n++}@example.com`;
    const r = ok(await request(base, 'POST', '/api/v1/auth/signup', { body: { email, password, name: 'Ada', organization } }), 'signup');
    return new Admin(base, r.token, r.organization.id, email);
  }

  constructor(base, token, org, email) {
    Object.assign(this, { base, token, org, email });
  }

  call(method, path, body, extra = {}) {
    return request(this.base, method, path, { token: this.token, body, ...extra });
  }

  async must(method, path, body) {
    return ok(await this.call(method, path, body), `${method} ${path}`);
  }

  /** A project with environments; returns {project, envs: {key: id}, env: first id}. */
  async project(name = 'Web', environments = ['production']) {
    const p = await this.must('POST', `/api/v1/orgs/${this.org}/projects`, { name, environments });
    const envs = Object.fromEntries(p.environments.map((e) => [e.key, e.id]));
    return { project: p.project.id, envs, env: p.environments[0].id };
  }

  flag(project, key, type = 'boolean', variants = [{ name: 'on', value: true }, { name: 'off', value: false }]) {
    return this.must('POST', `/api/v1/projects/${project}/flags`, { key, type, variants });
  }

  /** Sets a flag's state; returns the response (200 or 409). */
  state(project, env, flag, { enabled = true, defaultVariant, targeting = null, version }) {
    return this.call('PUT', `/api/v1/projects/${project}/environments/${env}/flags/${flag}`, { enabled, defaultVariant, targeting, version });
  }

  async key(project, env, kind = 'client') {
    return (await this.must('POST', `/api/v1/projects/${project}/environments/${env}/keys`, { kind })).secret;
  }
}

/** OFREP bulk evaluation: the server's answer for a context, `{flag: value}`. */
export async function evaluateAll(base, key, context) {
  const r = await request(base, 'POST', '/ofrep/v1/evaluate/flags', { key, body: { context } });
  if (r.status !== 200) throw new Error(`OFREP bulk: HTTP ${r.status} ${r.text}`);
  return Object.fromEntries(r.body.flags.filter((f) => f.value !== undefined).map((f) => [f.key, f.value]));
}

/** A WebSocket that counts what the SDK does with it (`id`: the client it belongs to). */
export function countingSocket(stats, id) {
  return class extends WebSocket {
    constructor(url, ...rest) {
      super(url, ...rest);
      stats.attempts.push(performance.now());
      if (stats.onSnapshot) {
        this.addEventListener('message', (e) => {
          if (String(e.data).startsWith('{"type":"snapshot"')) stats.onSnapshot(id, performance.now());
        });
      }
    }
    send(data) {
      if (String(data).includes('"resync"')) stats.resyncs++;
      super.send(data);
    }
  };
}

export const newStats = () => ({ attempts: [], resyncs: 0 });

/** The real SDK (sdk-js dist) in Node, over `ws`. */
export function sdk(base, clientKey, context, stats = newStats(), extra = {}, id = 0) {
  const client = init({
    baseUrl: base,
    clientKey,
    context,
    WebSocket: countingSocket(stats, id),
    cache: false,
    analytics: false,
    ...extra,
  });
  client.stats = stats;
  return client;
}

export const same = (a, b) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Waits until `check()` is true, polling; false at the deadline. */
export async function until(check, ms, every = 50) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((ok) => setTimeout(ok, every));
  }
  return check();
}

export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
