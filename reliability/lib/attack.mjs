// Attackers for the isolation scenarios, each in a process of its own so that its work never lands
// on the measuring process's event loop: `node attack.mjs MODE JSON`; prints its outcome as JSON.
//   streams    {base, key, sockets, seconds, contextBytes, retryMs}: WebSockets from `sockets`
//              addresses (X-Forwarded-For) on one key, each re-opened about `retryMs` after a refusal
//   hellos     {base, key, sockets, seconds}: WebSockets that send hello/resync as fast as they can
//              and reconnect when closed
//   randomKeys {base, seconds, concurrency, from}: OFREP requests with random keys
//   slowloris  {port, sockets, seconds, body, key}: sockets that send a request a byte a second (the
//              headers, or with `body` a body that never ends)
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';

const [mode, raw] = process.argv.slice(2);
const a = JSON.parse(raw);
const end = Date.now() + a.seconds * 1000;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const wsUrl = (base, key) => `${base.replace('http', 'ws')}/sdk/v1/ws?key=${key}`;
const address = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

// Each address holds its socket once admitted; refused ones try again after `retryMs`, ignoring
// the backoff a real SDK would use.
async function streams() {
  const out = { attempts: 0, admitted: 0, refused1013: 0, refusedHttp: 0, otherCloses: 0, heldAtEnd: 0 };
  const context = { targetingKey: 'attacker', blob: 'x'.repeat(a.contextBytes || 0) };
  const held = [];
  const one = (i) =>
    new Promise((done) => {
      out.attempts++;
      const ws = new WebSocket(wsUrl(a.base, a.key), { headers: { 'x-forwarded-for': address(i) } });
      let admitted = false;
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', context })));
      ws.on('message', (m) => {
        if (!admitted && String(m).startsWith('{"type":"snapshot"')) {
          admitted = true;
          out.admitted++;
          held.push(ws);
          done(ws);
        }
      });
      ws.on('unexpected-response', () => {
        out.refusedHttp++;
        done(null);
      });
      ws.on('error', () => {});
      ws.on('close', (code) => {
        if (admitted) {
          if (Date.now() < end) out.otherCloses++;
          return;
        }
        if (code === 1013) out.refused1013++;
        else out.otherCloses++;
        done(null);
      });
    });
  await Promise.all(
    Array.from({ length: a.sockets }, async (_, i) => {
      while (Date.now() < end) {
        if (await one(i)) return;
        await sleep((a.retryMs ?? 100) * (0.5 + Math.random()));
      }
    }),
  );
  await sleep(Math.max(0, end - Date.now()));
  out.heldAtEnd = held.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  for (const ws of held) ws.terminate();
  return out;
}

async function hellos() {
  const out = { sent: 0, snapshots: 0, connects: 0, closes1008: 0, otherCloses: 0, refused: 0 };
  const one = () =>
    new Promise((done) => {
      out.connects++;
      const ws = new WebSocket(wsUrl(a.base, a.key));
      let timer;
      ws.on('open', () => {
        const blast = () => {
          // As fast as the socket drains: hello and resync, alternating.
          for (let i = 0; i < 20 && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 65536; i++) {
            ws.send(out.sent % 2 ? '{"type":"resync"}' : '{"type":"hello","context":{"targetingKey":"a"}}');
            out.sent++;
          }
          timer = setImmediate(blast);
        };
        blast();
      });
      ws.on('message', (m) => {
        if (String(m).startsWith('{"type":"snapshot"')) out.snapshots++;
      });
      ws.on('unexpected-response', () => {
        out.refused++;
        done();
      });
      ws.on('error', () => {});
      ws.on('close', (code) => {
        clearImmediate(timer);
        if (code === 1008) out.closes1008++;
        else out.otherCloses++;
        done();
      });
      setTimeout(() => ws.terminate(), Math.max(0, end - Date.now()));
    });
  await Promise.all(
    Array.from({ length: a.sockets }, async () => {
      while (Date.now() < end) {
        await one();
        await sleep(50);
      }
    }),
  );
  out.snapshotsPerSecond = +(out.snapshots / a.seconds).toFixed(1);
  out.sentPerSecond = +(out.sent / a.seconds).toFixed(1);
  return out;
}

async function randomKeys() {
  const agent = new Agent({ keepAlive: true, maxSockets: a.concurrency });
  const out = { requests: 0 };
  const post = () =>
    new Promise((ok) => {
      const url = new URL(`${a.base}/ofrep/v1/evaluate/flags`);
      const key = `sy_client_${randomBytes(16).toString('hex')}`;
      const r = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
        headers: { 'Content-Type': 'application/json', 'X-API-Key': key, 'X-Forwarded-For': a.from } }, (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode));
      });
      r.on('error', () => ok(0));
      r.end('{}');
    });
  await Promise.all(
    Array.from({ length: a.concurrency }, async () => {
      while (Date.now() < end) {
        const s = await post();
        out.requests++;
        out[s] = (out[s] || 0) + 1;
      }
    }),
  );
  agent.destroy();
  out.perSecond = +(out.requests / a.seconds).toFixed(0);
  return out;
}

async function slowloris() {
  const out = { sockets: a.sockets, closedByServer: 0, answered408: 0, openAtEnd: 0, lifetimesMs: [] };
  const started = Date.now();
  const head = a.body
    ? `POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: x\r\nX-API-Key: ${a.key}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`
    : 'GET /healthz HTTP/1.1\r\nHost: x\r\n';
  await Promise.all(
    Array.from({ length: a.sockets }, () =>
      new Promise((done) => {
        const s = connect(a.port, '127.0.0.1');
        const opened = Date.now();
        let timer;
        let closed = false;
        s.on('connect', () => {
          s.write(head);
          timer = setInterval(() => s.write(a.body ? ' ' : 'X'), 1000);
        });
        s.on('data', (d) => {
          if (String(d).startsWith('HTTP/1.1 408')) out.answered408++;
        });
        s.on('error', () => {});
        s.on('close', () => {
          closed = true;
          clearInterval(timer);
          if (Date.now() < end) {
            out.closedByServer++;
            out.lifetimesMs.push(Date.now() - opened);
          }
          done();
        });
        setTimeout(() => {
          if (!closed) out.openAtEnd++;
          s.destroy();
        }, Math.max(0, end - Date.now()));
      }),
    ),
  );
  const l = out.lifetimesMs.sort((x, y) => x - y);
  out.maxLifetimeMs = l.length ? l[l.length - 1] : null;
  out.elapsedMs = Date.now() - started;
  delete out.lifetimesMs;
  return out;
}

const modes = { streams, hellos, randomKeys, slowloris };
const result = await modes[mode]();
const cpu = process.cpuUsage();
result.attackerCpuSeconds = +((cpu.user + cpu.system) / 1e6).toFixed(2);
process.stdout.write(JSON.stringify(result));
process.exit(0);
