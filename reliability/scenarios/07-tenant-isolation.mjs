// Tenant isolation on the SDK endpoints: each kind of credential of tenant A against tenant B's
// flags. Zero leaks; a foreign flag answers exactly like a missing one. (The dashboard API's
// matrix, every route × every credential kind, is `cargo test -p switchyard-functions --test
// api_security`, which `make reliability` runs beside this.)
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Admin, request } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Tenant isolation on the SDK endpoints';
export const shortLimit = 90000;

async function tenant(base, only) {
  const admin = await Admin.signup(base);
  const { project, env } = await admin.project();
  for (const f of [only, 'shared']) {
    await admin.flag(project, f, 'string', [{ name: 'mine', value: `${only}-value` }]);
    await admin.state(project, env, f, { defaultVariant: 'mine', version: 0 });
  }
  const token = (await admin.must('POST', `/api/v1/orgs/${admin.org}/tokens`, { name: 't', scopes: ['read'] })).secret;
  return { admin, project, env, client: await admin.key(project, env, 'client'), server: await admin.key(project, env, 'server'), token };
}

const firstMessage = (base, key) =>
  new Promise((ok, fail) => {
    // In a header: server keys are refused in URLs.
    const ws = new WebSocket(`${base.replace('http', 'ws')}/sdk/v1/ws`, { headers: { 'X-API-Key': key } });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', context: { targetingKey: 'u' } })));
    ws.on('message', (m) => {
      ws.close();
      ok(JSON.parse(String(m)));
    });
    ws.on('error', fail);
  });

export async function run({ log }) {
  const server = await switchyard('serve');
  try {
    const a = await tenant(server.base, 'a-only');
    const b = await tenant(server.base, 'b-only');
    let checks = 0;
    const ofrep = (path, key, body = { context: { targetingKey: 'u' } }) => request(server.base, 'POST', path, { key, body });

    for (const [kind, key] of [['client key', a.client], ['server key', a.server]]) {
      const foreign = await ofrep('/ofrep/v1/evaluate/flags/b-only', key);
      const missing = await ofrep('/ofrep/v1/evaluate/flags/zz-only', key);
      assert.equal(foreign.status, missing.status, kind);
      assert.equal(foreign.text.replaceAll('b-only', 'X'), missing.text.replaceAll('zz-only', 'X'), `${kind}: foreign = missing`);
      const bulk = await ofrep('/ofrep/v1/evaluate/flags', key);
      assert.deepEqual(bulk.body.flags.map((f) => [f.key, f.value]).sort(), [['a-only', 'a-only-value'], ['shared', 'a-only-value']]);
      assert.ok(!bulk.text.includes('b-only'), `${kind}: bulk leaks nothing`);
      const snap = await firstMessage(server.base, key);
      assert.deepEqual(Object.keys(snap.flags).sort(), ['a-only', 'shared'], `${kind}: stream snapshot`);
      assert.equal(snap.flags.shared.value, 'a-only-value');
      checks += 4;
    }
    const doc = await request(server.base, 'GET', '/sdk/v1/flagd.json', { key: a.server });
    assert.deepEqual(Object.keys(doc.body.flags).sort(), ['a-only', 'shared']);
    assert.ok(!doc.text.includes('b-only'));
    const byClient = await request(server.base, 'GET', '/sdk/v1/flagd.json', { key: a.client });
    assert.ok([401, 403].includes(byClient.status), `a client key cannot read flag documents (${byClient.status})`);
    checks += 2;

    // Dashboard credentials are not SDK keys, and a revoked key is no key.
    const keyId = (await b.admin.must('GET', `/api/v1/projects/${b.project}/environments/${b.env}/keys`)).find((k) => k.kind === "client").id;
    await b.admin.must('DELETE', `/api/v1/projects/${b.project}/environments/${b.env}/keys/${keyId}`);
    for (const [kind, key] of [['user token', a.admin.token], ['API token', a.token], ['nonsense', 'sy_client_nothing']]) {
      for (const path of ['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/a-only']) {
        assert.equal((await ofrep(path, key)).status, 401, `${kind} on ${path}`);
        checks++;
      }
      assert.equal((await request(server.base, 'GET', '/sdk/v1/flagd.json', { key })).status, 401, kind);
      assert.equal((await request(server.base, 'POST', '/sdk/v1/events', { key, body: { evaluations: [] } })).status, 401, kind);
      checks += 2;
    }

    // Counting B's flag with A's key counts nothing for anyone.
    const sent = await request(server.base, 'POST', '/sdk/v1/events', { key: a.client, body: { evaluations: [{ flag: 'b-only', variant: 'mine', count: 7 }] } });
    assert.ok(sent.status < 300);
    await server.stop(); // graceful: writes gathered counts
    await server.start();
    for (const t of [a, b]) {
      const rows = (await t.admin.must('GET', `/api/v1/projects/${t.project}/environments/${t.env}/evaluations?hours=2`)).rows;
      assert.ok(!rows.some((r) => r.flag === 'b-only'), 'a foreign flag is never counted');
    }
    checks += 2;
    log(`${checks} isolation checks`);
    return { checks, leaks: 0 };
  } finally {
    await server.stop();
  }
}
