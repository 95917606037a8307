// Session tokens forged every way that has broken JWT libraries, signed with the server's real
// key where that is the point; and login brute force.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, password, request } from '../lib/api.mjs';
import { switchyard } from '../lib/procs.mjs';

export const title = 'JWT negatives and login brute force';
export const shortLimit = 90000;

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const sign = (header, claims, key, alg = 'sha256') => {
  const head = `${b64(header)}.${b64(claims)}`;
  return `${head}.${createHmac(alg, key).update(head).digest('base64url')}`;
};

export async function run({ log }) {
  const server = await switchyard('serve');
  try {
    const admin = await Admin.signup(server.base);
    const key = Buffer.from(readFileSync(join(server.data, 'jwt.key'), 'utf8').trim(), 'hex');
    const [, payload] = admin.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const me = (token) => request(server.base, 'GET', '/api/v1/auth/me', { token });
    assert.equal((await me(admin.token)).status, 200);
    assert.equal((await me(sign({ alg: 'HS256', typ: 'JWT' }, claims, key))).status, 200, 'the forger signs like the server');

    const now = Math.floor(Date.now() / 1000);
    const without = (k) => Object.fromEntries(Object.entries(claims).filter(([x]) => x !== k));
    const forged = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'alg HS512, same key': sign({ alg: 'HS512', typ: 'JWT' }, claims, key, 'sha512'),
      'wrong key': sign({ alg: 'HS256', typ: 'JWT' }, claims, Buffer.alloc(32, 7)),
      expired: sign({ alg: 'HS256' }, { ...claims, exp: now - 3600 }, key),
      'exp as a string': sign({ alg: 'HS256' }, { ...claims, exp: String(now + 3600) }, key),
      'no exp': sign({ alg: 'HS256' }, without('exp'), key),
      'no aud': sign({ alg: 'HS256' }, without('aud'), key),
      'wrong aud': sign({ alg: 'HS256' }, { ...claims, aud: 'someone-else' }, key),
      'no iss': sign({ alg: 'HS256' }, without('iss'), key),
      'wrong iss': sign({ alg: 'HS256' }, { ...claims, iss: 'evil' }, key),
      'tampered payload': admin.token.replace(payload, b64({ ...claims, sub: 'someone' })),
      'stale generation (after logout)': null,
      garbage: 'not.a.token',
      empty: '',
    };
    const other = await Admin.signup(server.base);
    await request(server.base, 'POST', '/api/v1/auth/logout', { token: other.token });
    forged['stale generation (after logout)'] = other.token;
    for (const [name, token] of Object.entries(forged)) {
      const r = await me(token);
      assert.equal(r.status, 401, `${name}: ${r.status} ${r.text}`);
      assert.equal(r.body.error.code, 'unauthorized', name);
    }
    log(`${Object.keys(forged).length} forged tokens refused`);

    // Brute force: wrong passwords on one account until the server says stop.
    const login = (email, pw) => request(server.base, 'POST', '/api/v1/auth/login', { body: { email, password: pw } });
    let tries = 0;
    let limited;
    while (tries < 50) {
      tries++;
      const r = await login(admin.email, `guess-${tries}`);
      if (r.status === 429) {
        limited = r;
        break;
      }
      assert.equal(r.status, 401);
    }
    assert.ok(limited, 'repeated failures are rate limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1, `Retry-After is given (${retryAfter})`);
    assert.equal((await login(admin.email, password)).status, 429, 'the right password waits too');
    return { forgedTokens: Object.keys(forged).length, refused: Object.keys(forged).length, wrongPasswordsBefore429: tries - 1, retryAfterSeconds: retryAfter };
  } finally {
    await server.stop();
  }
}
