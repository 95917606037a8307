// 20 concurrent edits of one flag through the API: exactly one wins, with one audit entry and one
// change event; the others get 409 with the current version. On the embedded store and on DynamoDB
// (moto).
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Admin } from '../lib/api.mjs';
import { awsEnv, moto, switchyard } from '../lib/procs.mjs';

export const title = 'Concurrent edits of one flag';
export const shortLimit = 120000;

async function race(server, log) {
  const admin = await Admin.signup(server.base);
  const { project, env } = await admin.project();
  const variants = Array.from({ length: 21 }, (_, i) => ({ name: `v${i}`, value: `value-${i}` }));
  await admin.flag(project, 'color', 'string', variants);
  const first = await admin.state(project, env, 'color', { defaultVariant: 'v0', version: 0 });
  const key = await admin.key(project, env);
  const ws = new WebSocket(`${server.base.replace('http', 'ws')}/sdk/v1/ws?key=${key}`);
  const messages = [];
  ws.on('message', (m) => messages.push(JSON.parse(String(m))));
  await new Promise((ok) => ws.on('open', ok));
  ws.send(JSON.stringify({ type: 'hello', context: { targetingKey: 'u' } }));
  while (!messages.length) await new Promise((ok) => setTimeout(ok, 10));
  const audit = async () =>
    (await admin.must('GET', `/api/v1/orgs/${admin.org}/audit?target=flag:color&limit=100`)).items.length;
  const auditBefore = await audit();

  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => admin.state(project, env, 'color', { defaultVariant: `v${i + 1}`, version: first.body.version })),
  );
  const wins = results.filter((r) => r.status === 200);
  const conflicts = results.filter((r) => r.status === 409);
  assert.equal(wins.length, 1, `exactly one wins: ${results.map((r) => r.status)}`);
  assert.equal(conflicts.length, 19);
  assert.ok(conflicts.every((r) => r.body.error.details.currentVersion >= first.body.version));
  await new Promise((ok) => setTimeout(ok, 1500));
  const changes = messages.filter((m) => m.type === 'changes');
  assert.equal(await audit(), auditBefore + 1, 'one audit entry per success');
  assert.equal(changes.length, 1, 'one change event per success');
  assert.equal(changes[0].flags.color.variant, wins[0].body.defaultVariant);
  ws.close();
  log(`winner ${wins[0].body.defaultVariant}; 19 × 409`);
  return { edits: 20, wins: wins.length, conflicts: conflicts.length, changeEvents: changes.length };
}

export async function run({ log }) {
  const out = {};
  const embedded = await switchyard('serve');
  try {
    out.embedded = await race(embedded, log);
  } finally {
    await embedded.stop();
  }
  const m = await moto();
  const dynamo = await switchyard('serve', ['--store', 'dynamodb', '--table', 'reliability'], awsEnv(m.url));
  try {
    out.dynamodb = await race(dynamo, log);
  } finally {
    await dynamo.stop();
    await m.stop();
  }
  return out;
}
