// Malformed, oversized and deeply nested JSON on every route that takes a body (from the OpenAPI
// document), on the SDK endpoints and on the WebSocket: a 4xx every time, nothing written, no 5xx,
// the process still up.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Admin, request } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Malformed, oversized and deeply nested input everywhere';
export const shortLimit = 120000;

const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const bodies = {
  malformed: '{"name": ',
  'not an object': '[1,2,3]',
  'wrong types': '{"name": 7, "key": {}, "kind": [], "email": null}',
  'deep array': `{"name": ${nested(100000)}}`,
  'deep object': `${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}`,
  oversized: JSON.stringify({ name: 'x'.repeat(3 << 20) }),
  'nul bytes': '{"name": "a\\u0000b"}',
};

export async function run({ log }) {
  const server = await switchyard('serve');
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    await admin.flag(project, 'f');
    await admin.must('POST', `/api/v1/projects/${project}/segments`, { key: 's', rule: true });
    const client = await admin.key(project, env);
    const ids = { org: admin.org, project, environment: env, flag: 'f', segment: 's', user: 'u', token: 't', key: 'k', entry: 'e' };
    const digest = async () =>
      JSON.stringify(
        await Promise.all(
          [`/api/v1/orgs/${admin.org}/audit?limit=100`, `/api/v1/orgs/${admin.org}/projects`, `/api/v1/projects/${project}/flags`,
            `/api/v1/projects/${project}/segments`, `/api/v1/projects/${project}/environments/${env}/flagd`, '/api/v1/orgs'].map(
            async (p) => (await admin.call('GET', p)).text,
          ),
        ),
      );
    const before = await digest();
    const doc = (await request(server.base, 'GET', '/api/openapi.json')).body;
    const statuses = {};
    let sent = 0;
    // The server answers an oversized body from its Content-Length (413) and closes the
    // connection without reading it; a client still writing may see the close first (EPIPE).
    // Any other request may go out on a kept-alive connection the server was closing just then
    // (after refusing the previous body unread): it is sent again once, on a new connection, as
    // HTTP clients do for a stale connection.
    const send = async (method, url, creds, name, raw, again = true) => {
      try {
        return await request(server.base, method, url, { ...creds, raw });
      } catch (e) {
        const code = e.cause?.code;
        const closed = ['EPIPE', 'ECONNRESET'].includes(code);
        if (closed && name === 'oversized') return { status: 413, body: { error: { code: 'closed' } }, text: '' };
        if (closed && again) return send(method, url, creds, name, raw, false);
        throw new Error(`${method} ${url} with a ${name} body: ${code || e}`);
      }
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.requestBody) continue;
        const url = path.replace(/\{(\w+)\}/g, (_, k) => ids[k]);
        for (const [name, raw] of Object.entries(bodies)) {
          const r = await send(method.toUpperCase(), url, { token: admin.token }, name, raw);
          sent++;
          statuses[r.status] = (statuses[r.status] || 0) + 1;
          assert.ok(r.status >= 400 && r.status < 500, `${method} ${path} with a ${name} body: ${r.status} ${r.text.slice(0, 200)}`);
          if (r.body) assert.ok(r.body.error && r.body.error.code, `${method} ${path}: the one error shape`);
        }
      }
    }
    for (const path of ['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/f', '/sdk/v1/events']) {
      // These take other fields: `context` (OFREP; other fields are ignored), `evaluations`.
      const wrong = path.startsWith('/ofrep') ? '{"context": [1, 2]}' : '{"evaluations": 5, "events": {}}';
      const { 'nul bytes': _valid, ...hostile } = bodies; // a NUL in a context value is valid there
      for (const [name, raw] of Object.entries({ ...hostile, 'wrong types': wrong })) {
        const r = await send('POST', path, { key: client }, name, raw);
        sent++;
        statuses[r.status] = (statuses[r.status] || 0) + 1;
        assert.ok(r.status >= 400 && r.status < 500, `${path} with a ${name} body: ${r.status}`);
      }
    }
    // The WebSocket: hostile frames get an error message or a close, never a crash.
    const ws = new WebSocket(`${server.base.replace('http', 'ws')}/sdk/v1/ws?key=${client}`);
    const got = [];
    ws.on('message', (m) => got.push(JSON.parse(String(m)).type));
    await new Promise((ok) => ws.on('open', ok));
    for (const raw of ['{"type":', '[]', '{"type":"hello","context":' + nested(5000) + '}', '{"type":"identify","context":7}']) ws.send(raw);
    ws.send(JSON.stringify({ type: 'hello', context: { targetingKey: 'u' } }));
    const deadline = Date.now() + 5000;
    while (!got.includes('snapshot') && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 20));
    assert.ok(got.includes('error') && got.includes('snapshot'), `errors for the bad frames, then a snapshot: ${got}`);
    ws.close();

    assert.equal(await digest(), before, 'nothing was written');
    assert.equal((await request(server.base, 'GET', '/healthz')).status, 200, 'still up');
    assert.ok(!Object.keys(statuses).some((s) => s >= 500));
    log(`${sent} hostile requests: ${JSON.stringify(statuses)}`);
    return { requests: sent, statuses, wsFrames: 4, written: 0 };
  } finally {
    await server.stop();
  }
}
