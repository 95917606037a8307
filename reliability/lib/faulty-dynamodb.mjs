// DynamoDB as it fails under load, which moto never does: an HTTP proxy in front of a moto server
// that answers a seeded share of `TransactWriteItems` itself (the scenario's counterpart of
// core/tests/support/faulty_dynamodb.rs).
//
// Kinds of fault, drawn per transaction while `active()` holds:
// - `conflict`: cancelled with a `TransactionConflict` reason (another transaction holds an
//   item), not run;
// - `provisioned` / `throttling`: `ProvisionedThroughputExceededException` / `ThrottlingException`,
//   not run;
// - `lost500` / `lostReset`: run by moto, then the answer is replaced by a 500 or the connection is
//   reset (the commit happened, the client does not know).
//
// It keeps DynamoDB's idempotency, which moto lacks: a `TransactWriteItems` whose
// `ClientRequestToken` committed within 10 minutes is answered with success and not run again
// (the same token with other items: `IdempotentParameterMismatchException`); one whose token is
// still being run: `TransactionInProgressException`.
import { createHash } from 'node:crypto';
import http from 'node:http';

const TOKEN_TTL_MS = 10 * 60 * 1000;
const JSON_TYPE = 'application/x-amz-json-1.0';
export const KINDS = ['conflict', 'provisioned', 'throttling', 'lost500', 'lostReset'];

/** mulberry32: a small seeded generator, so a run's faults can be replayed. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const error = (res, status, kind, extra = {}) => {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${kind}`, message: `${kind} (injected)`, ...extra });
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/**
 * Starts the proxy on a free loopback port in front of `moto` (its URL). `rate`: the share of
 * transactions faulted while `active()`; `kinds`: the kinds drawn from (equally); `seed`.
 */
export async function faultyDynamoDb(moto, { rate = 0.3, kinds = KINDS, seed = 22, active = () => true } = {}) {
  const random = seeded(seed);
  const target = new URL(moto);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const stats = {
    transactions: 0, // TransactWriteItems that reached the proxy
    tokens: 0, // distinct ClientRequestTokens among them
    forwarded: 0, // sent on to moto (so run)
    committed: 0, // run by moto with success
    replayed: 0, // answered from a committed token, not run again
    inProgress: 0,
    mismatched: 0,
    faults: Object.fromEntries(KINDS.map((k) => [k, 0])),
    other: 0, // other requests, passed through
    byTarget: {}, // every request by operation
  };
  const tokens = new Map(); // token → {digest, state: 'running' | 'committed', at}
  const seen = new Set();
  const config = { rate, kinds, active };

  const forward = (req, body) =>
    new Promise((ok, fail) => {
      const headers = { ...req.headers, host: target.host, 'content-length': body.length };
      const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
        const chunks = [];
        answer.on('data', (c) => chunks.push(c));
        answer.on('end', () => ok({ status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', fail);
      });
      out.on('error', fail);
      out.end(body);
    });

  const pass = (res, a) => {
    const headers = { 'content-type': a.headers['content-type'] || JSON_TYPE, 'content-length': a.body.length };
    if (a.headers['x-amz-crc32']) headers['x-amz-crc32'] = a.headers['x-amz-crc32'];
    res.writeHead(a.status, headers);
    res.end(a.body);
  };

  const lose = (res, kind) => {
    stats.faults[kind]++;
    if (kind === 'lostReset') res.socket.destroy();
    else error(res, 500, 'InternalServerError');
  };

  async function handle(req, res, body) {
    const operation = String(req.headers['x-amz-target'] || '').replace(/^DynamoDB_\d+\./, '');
    stats.byTarget[operation] = (stats.byTarget[operation] || 0) + 1;
    const transaction = operation === 'TransactWriteItems';
    if (!transaction) {
      stats.other++;
      return pass(res, await forward(req, body));
    }
    stats.transactions++;
    let request = {};
    try {
      request = JSON.parse(body.toString());
    } catch {
      // moto answers it
    }
    const token = request.ClientRequestToken;
    const digest = createHash('sha256').update(JSON.stringify(request.TransactItems ?? null)).digest('hex');
    const now = Date.now();
    let known = token && tokens.get(token);
    if (known && now - known.at > TOKEN_TTL_MS) {
      tokens.delete(token);
      known = undefined;
    }
    if (token && !seen.has(token)) {
      seen.add(token);
      stats.tokens++;
    }
    const fault = config.active() && random() < config.rate ? config.kinds[Math.floor(random() * config.kinds.length)] : null;
    if (fault === 'provisioned' || fault === 'throttling') {
      stats.faults[fault]++;
      return error(res, 400, fault === 'provisioned' ? 'ProvisionedThroughputExceededException' : 'ThrottlingException');
    }
    if (known) {
      if (known.digest !== digest) {
        stats.mismatched++;
        return error(res, 400, 'IdempotentParameterMismatchException');
      }
      if (known.state === 'running') {
        stats.inProgress++;
        return error(res, 400, 'TransactionInProgressException');
      }
      if (fault === 'lost500' || fault === 'lostReset') return lose(res, fault);
      stats.replayed++;
      res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': 2 });
      return res.end('{}');
    }
    if (fault === 'conflict') {
      stats.faults.conflict++;
      const items = Array.isArray(request.TransactItems) ? request.TransactItems.length : 1;
      const reasons = Array.from({ length: items }, () => ({ Code: 'None' }));
      reasons[Math.floor(random() * items)] = { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' };
      return error(res, 400, 'TransactionCanceledException', { CancellationReasons: reasons });
    }
    if (token) tokens.set(token, { digest, state: 'running', at: now });
    let answer;
    try {
      stats.forwarded++;
      answer = await forward(req, body);
    } finally {
      if (token && tokens.get(token)?.state === 'running') tokens.delete(token);
    }
    if (answer.status === 200) {
      stats.committed++;
      if (token) tokens.set(token, { digest, state: 'committed', at: now });
      if (fault === 'lost500' || fault === 'lostReset') return lose(res, fault);
    }
    pass(res, answer);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () =>
      handle(req, res, Buffer.concat(chunks)).catch(() => {
        if (!res.headersSent) error(res, 500, 'InternalServerError');
      }),
    );
  });
  server.keepAliveTimeout = 30000;
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    config,
    stop: () =>
      new Promise((ok) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * Creates the store's table (keys and `gsi1` as `DynamoDb::create_table` makes them) without its
 * stream, which `switchyard serve` does not read: moto deep-copies the whole table, stream
 * records included, for every item of every transaction, so with the stream each transaction
 * costs more than the one before and a long run slows to a crawl (6 GB and 1 write a second).
 */
export async function createTable(url, table) {
  const attr = (name) => ({ AttributeName: name, AttributeType: 'S' });
  const keys = (hash, range) => [{ AttributeName: hash, KeyType: 'HASH' }, { AttributeName: range, KeyType: 'RANGE' }];
  const r = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': JSON_TYPE,
      'x-amz-target': 'DynamoDB_20120810.CreateTable',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'g1pk', 'g1sk'].map(attr),
      KeySchema: keys('pk', 'sk'),
      GlobalSecondaryIndexes: [{ IndexName: 'gsi1', KeySchema: keys('g1pk', 'g1sk'), Projection: { ProjectionType: 'ALL' } }],
    }),
  });
  if (r.status !== 200) throw new Error(`CreateTable: HTTP ${r.status} ${await r.text()}`);
}
