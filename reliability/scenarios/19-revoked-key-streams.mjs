// A key revoked while streams are open on it: every WebSocket, SSE and OFREP event stream ends
// within the bound (key cache TTL + the streams' key re-check interval), and a key rotated with an
// overlap keeps its streams and requests working until the overlap ends, then ends them the same.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Admin, request } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'Revoked key on every stream kind';
export const shortLimit = 120000;
export const fullLimit = 300000;

/** The server's defaults: a found key is trusted 10 s; open streams re-check it every 5 s. */
const BOUND_S = 10 + 5 + 2;
const OVERLAP_S = 3;

const b64url = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A WebSocket that has said hello and got its snapshot; `ended` resolves to when it closed. */
async function ws(base, key, i) {
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/sdk/v1/ws?key=${key}`);
  const ended = new Promise((ok) => socket.on('close', (code) => ok({ at: performance.now(), code })));
  await new Promise((ok, fail) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', context: { targetingKey: `u${i}` } })));
    socket.once('message', (m) => (String(m).includes('"snapshot"') ? ok() : fail(new Error(`not a snapshot: ${m}`))));
    socket.on('error', fail);
  });
  return { kind: 'ws', ended, close: () => socket.terminate() };
}

/** An SSE response being read; `ended` resolves when the server ends it. */
async function sse(base, path, first) {
  const abort = new AbortController();
  const r = await fetch(base + path, { signal: abort.signal });
  assert.equal(r.status, 200, `${path}: HTTP ${r.status}`);
  const reader = r.body.getReader();
  let seen = '';
  let started;
  const opened = new Promise((ok) => (started = ok));
  if (!first) started();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { at: performance.now() };
        seen += Buffer.from(value).toString();
        if (first && seen.includes(first)) started();
      }
    } catch {
      return { at: performance.now(), aborted: true };
    }
  })();
  await opened;
  return { ended, close: () => abort.abort() };
}

async function open(base, key, k) {
  const streams = [];
  for (let i = 0; i < k; i++) {
    streams.push(await ws(base, key, i));
    streams.push({ kind: 'sse', ...(await sse(base, `/sdk/v1/sse?key=${key}&context=${b64url({ targetingKey: `u${i}` })}`, 'event: snapshot')) });
    streams.push({ kind: 'ofrep-events', ...(await sse(base, `/ofrep/v1/events?key=${key}`)) });
  }
  return streams;
}

/** Seconds from `t0` to each stream's end, per kind: {kind: {max, median, n}}. */
async function closeTimes(streams, t0, limitS) {
  const timeout = new Promise((ok) => setTimeout(() => ok(null), limitS * 1000).unref());
  const out = {};
  for (const s of streams) {
    const end = await Promise.race([s.ended, timeout]);
    assert.ok(end, `a ${s.kind} stream is still open ${limitS} s after its key stopped working`);
    (out[s.kind] ||= []).push((end.at - t0) / 1000);
  }
  return Object.fromEntries(
    Object.entries(out).map(([kind, v]) => {
      v.sort((a, b) => a - b);
      return [kind, { maxS: +v.at(-1).toFixed(2), medianS: +v[Math.floor(v.length / 2)].toFixed(2), n: v.length }];
    }),
  );
}

const status = async (base, key) => (await request(base, 'POST', '/ofrep/v1/evaluate/flags', { key, body: { context: {} } })).status;

export async function run({ full, log }) {
  const k = full ? 20 : 3;
  const server = await switchyard('serve');
  const all = [];
  try {
    const admin = await Admin.signup(server.base);
    const { project, env } = await admin.project();
    await admin.flag(project, 'beta');
    const keys = `/api/v1/projects/${project}/environments/${env}/keys`;
    const issue = () => admin.must('POST', keys, { kind: 'client' });

    // Revocation: every stream kind ends within the bound.
    const revoked = await issue();
    const streams = await open(server.base, revoked.secret, k);
    all.push(...streams);
    const t0 = performance.now();
    assert.equal((await admin.call('DELETE', `${keys}/${revoked.key.id}`)).status, 204);
    const revocation = await closeTimes(streams, t0, BOUND_S);
    for (const s of streams.filter((s) => s.kind === 'ws')) assert.equal((await s.ended).code, 1008);
    assert.equal(await status(server.base, revoked.secret), 401);
    log(`revoked: ${Object.entries(revocation).map(([kind, f]) => `${kind} max ${f.maxS} s (median ${f.medianS} s, ${f.n})`).join('; ')}`);

    // Rotation with an overlap: nothing ends during it; everything ends within the bound after.
    const rotated = await issue();
    const kept = await open(server.base, rotated.secret, k);
    all.push(...kept);
    const r = await admin.must('POST', `${keys}/${rotated.key.id}/rotate`, { overlapSeconds: OVERLAP_S });
    const rotatedAt = performance.now();
    const early = await Promise.race([Promise.any(kept.map((s) => s.ended)), new Promise((ok) => setTimeout(() => ok(null), (OVERLAP_S - 0.5) * 1000))]);
    assert.equal(early, null, 'no stream ends during the overlap');
    assert.equal(await status(server.base, rotated.secret), 200, 'the old key still answers during the overlap');
    assert.equal(await status(server.base, r.secret), 200, 'the new key answers at once');
    const expiry = await closeTimes(kept, rotatedAt + OVERLAP_S * 1000, BOUND_S);
    assert.equal(await status(server.base, rotated.secret), 401, 'the old key is refused after the overlap');
    assert.equal(await status(server.base, r.secret), 200);
    log(`rotated with a ${OVERLAP_S} s overlap: after it, ${Object.entries(expiry).map(([kind, f]) => `${kind} max ${f.maxS} s`).join('; ')}`);

    const figures = { streamsPerKind: k, boundS: BOUND_S, revokedCloseS: {}, overlapS: OVERLAP_S, expiredCloseS: {} };
    for (const [kind, f] of Object.entries(revocation)) figures.revokedCloseS[kind] = f.maxS;
    for (const [kind, f] of Object.entries(expiry)) figures.expiredCloseS[kind] = f.maxS;
    return figures;
  } finally {
    for (const s of all) s.close();
    await server.stop();
  }
}
