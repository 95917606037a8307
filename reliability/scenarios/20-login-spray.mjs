// Password spraying and a lockout attempt against the login limits (issue #16), from several
// loopback addresses (127.0.0.x: each a different source to the server):
// - spraying: one address guesses one password on many accounts, every request claiming another
//   address in X-Forwarded-For; the server counts the connection's address, so it stops it;
// - lockout: an attacker guesses the victim's password until refused and keeps going; the
//   victim, from their own address, signs in at once with the right password.
import assert from 'node:assert/strict';
import http from 'node:http';
import { Admin, password } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'login spraying and lockout attempts';
export const shortLimit = 60000;

/** POST /api/v1/auth/login from `localAddress`, with extra headers. */
function login(base, localAddress, email, pw, headers = {}) {
  const url = new URL('/api/v1/auth/login', base);
  const body = JSON.stringify({ email, password: pw });
  return new Promise((ok, fail) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => ok({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 0) }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

export async function run({ log }) {
  const server = await switchyard('serve');
  try {
    const victim = await Admin.signup(server.base);

    // Spraying from 127.0.0.2 with a made-up X-Forwarded-For on every request.
    let sprayed = 0;
    let sprayStopped = null;
    while (sprayed < 200) {
      const r = await login(server.base, '127.0.0.2', `user${sprayed}@example.com`, 'Winter2026!', {
        'x-forwarded-for': `203.0.113.${sprayed % 250}`,
      });
      if (r.status === 429) {
        sprayStopped = r;
        break;
      }
      assert.equal(r.status, 401);
      sprayed++;
    }
    assert.ok(sprayStopped, 'spraying from one address is stopped whatever X-Forwarded-For says');
    log(`spraying: ${sprayed} guesses, then 429 (Retry-After ${sprayStopped.retryAfter} s)`);

    // Lockout attempt from 127.0.0.3 on the victim's account.
    let guesses = 0;
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const r = await login(server.base, '127.0.0.3', victim.email, `guess-${i}`);
      if (r.status === 429) refused++;
      else {
        assert.equal(r.status, 401);
        guesses++;
      }
    }
    assert.ok(refused > 0, 'the attacker is slowed');
    const own = await login(server.base, '127.0.0.4', victim.email, password);
    assert.equal(own.status, 200, 'the victim signs in from their own address');
    log(`lockout attempt: ${guesses} guesses answered, ${refused} refused; the victim from another address: ${own.status}`);
    return { sprayGuessesBefore429: sprayed, sprayRetryAfter: sprayStopped.retryAfter, attackerGuessesAnswered: guesses, attackerRefused: refused, victimStatus: own.status };
  } finally {
    await server.stop();
  }
}
