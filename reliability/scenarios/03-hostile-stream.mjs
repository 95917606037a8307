// Hostile stream messages to the SDK from a server that misbehaves: replayed, duplicated, older,
// gapped, malformed and unknown messages. State never goes backwards; malformed → a new connection
// and snapshot; unknown → ignored.
import assert from 'node:assert/strict';
import { WebSocketServer } from 'ws';
import { newStats, sdk, until } from '../lib/api.mjs';
import { freePort } from '../lib/procs.mjs';

export const title = 'Hostile stream messages to the SDK';
export const shortLimit = 60000;

const snap = (revision, v) => JSON.stringify({ type: 'snapshot', revision, flags: { n: { value: v, variant: `v${v}`, reason: 'STATIC' } } });
const change = (revision, base, v) =>
  JSON.stringify({ type: 'changes', revision, base, flags: { n: { value: v, variant: `v${v}`, reason: 'STATIC' } }, removed: [] });

export async function run({ log }) {
  const port = await freePort();
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  const sockets = [];
  const received = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m));
      received.push(msg.type);
      if (msg.type === 'hello') ws.send(snap(10 * sockets.length, 10 * sockets.length));
      if (msg.type === 'resync') ws.send(snap(20, 20));
    });
  });
  const stats = newStats();
  const c = sdk(`http://127.0.0.1:${port}`, 'sy_client_x', { targetingKey: 'u' }, stats, { random: () => 0.01 });
  const seen = [];
  const watch = () => seen.push([c.status.revision, c.number('n', -1)]);
  const send = async (text) => {
    sockets.at(-1).send(text);
    await new Promise((ok) => setTimeout(ok, 30));
    watch();
  };
  try {
    await c.ready();
    watch();
    assert.equal(c.number('n', -1), 10);
    await send(change(11, 10, 11));
    await send(change(11, 10, 11)); // duplicated
    await send(change(11, 10, 99)); // replayed revision, other content
    await send(change(9, 8, 9)); // older
    await send(snap(5, 5)); // an older snapshot nobody asked for
    await send('{"type":"future-feature","x":1}'); // unknown: ignored
    await send('{"type":"pong"}');
    assert.equal(sockets.length, 1, 'unknown and stale messages keep the connection');
    assert.equal(c.number('n', -1), 11);
    await send(change(14, 13, 14)); // a gap: the client asks for a snapshot
    assert.ok(received.includes('resync'), 'a gap makes the client ask for a snapshot');
    assert.equal(c.number('n', -1), 20);
    for (const bad of ['{not json', '[]', '{"type":"changes","revision":"x"}', '{"type":"snapshot","revision":30,"flags":{"n":5}}']) {
      const before = sockets.length;
      await send(bad);
      assert.ok(await until(() => sockets.length === before + 1 && c.status.revision >= 10 * sockets.length, 5000), `malformed ${bad} → a new connection and snapshot`);
      watch();
    }
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0], `revision never goes backwards: ${JSON.stringify(seen)}`);
    log(`revisions seen: ${seen.map((s) => s[0]).join(' → ')}`);
    return { messagesSent: 13, connections: sockets.length, resyncs: stats.resyncs, finalRevision: c.status.revision };
  } finally {
    c.close();
    for (const s of sockets) s.terminate();
    wss.close();
  }
}
