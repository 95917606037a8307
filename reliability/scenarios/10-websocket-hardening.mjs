// WebSocket hardening: a foreign origin refused, an oversized message closed with 1009, a message
// flood closed with 1008, a revoked key disconnected.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Admin } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'WebSocket hardening';
export const shortLimit = 90000;

/** Opens a socket; resolves with {ws, status} (status: the HTTP refusal, if any). */
const open = (base, key, origin) =>
  new Promise((ok) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/sdk/v1/ws?key=${key}`, origin ? { origin } : {});
    ws.on('open', () => ok({ ws }));
    ws.on('unexpected-response', (_, res) => ok({ status: res.statusCode }));
    ws.on('error', () => {});
  });
const closed = (ws) => new Promise((ok) => ws.on('close', (code) => ok({ code, at: performance.now() })));
const hello = (ws) => ws.send(JSON.stringify({ type: 'hello', context: { targetingKey: 'u' } }));

export async function run({ log }) {
  const server = await switchyard('serve');
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    await admin.must('PATCH', `/api/v1/projects/${project}/environments/${env}`, { allowedOrigins: ['https://shop.example'] });
    const key = await admin.key(project, env);

    const bad = await open(server.base, key, 'https://evil.example');
    assert.equal(bad.status, 403, 'a foreign origin is refused before the upgrade');
    const good = await open(server.base, key, 'https://shop.example');
    assert.ok(good.ws, 'the allowed origin connects');
    good.ws.close();

    const big = (await open(server.base, key)).ws;
    const bigClosed = closed(big);
    big.send(JSON.stringify({ type: 'hello', context: { blob: 'x'.repeat(64 * 1024) } }));
    assert.equal((await bigClosed).code, 1009, 'an oversized message closes with 1009');

    const flood = (await open(server.base, key)).ws;
    const floodClosed = closed(flood);
    for (let i = 0; i < 1000 && flood.readyState === WebSocket.OPEN; i++) flood.send('{"type":"ping"}');
    assert.equal((await floodClosed).code, 1008, 'a message flood closes with 1008');

    const victim = (await open(server.base, key)).ws;
    const victimClosed = closed(victim);
    hello(victim);
    const keys = await admin.must('GET', `/api/v1/projects/${project}/environments/${env}/keys`);
    const revokedAt = performance.now();
    await admin.must('DELETE', `/api/v1/projects/${project}/environments/${env}/keys/${keys[0].id}`);
    const end = await Promise.race([victimClosed, new Promise((ok) => setTimeout(() => ok({ code: 'still open' }), 30000))]);
    assert.equal(end.code, 1008, 'a revoked key is disconnected');
    const disconnectMs = Math.round(end.at - revokedAt);
    assert.equal((await open(server.base, key)).status, 401, 'and cannot connect again');
    log(`revoked key disconnected after ${disconnectMs} ms`);
    return { foreignOrigin: 403, oversized: 1009, flood: 1008, revokedDisconnectMs: disconnectMs };
  } finally {
    await server.stop();
  }
}
