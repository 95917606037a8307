// A real OpenID provider for Switchyard's single sign-on tests: the certified `oidc-provider`
// with its development login page (any login, any password; the login is the account's email),
// listening on a free loopback port. Prints one JSON line once ready: {"issuer", "port"}.
//
// Accounts: the login is the email; a login containing "+unverified" has email_verified false.
// Consent is granted at once (first-party client), so a sign-in is one login form.
//
// Misbehaving providers, for the refusal tests: under /tamper/{mode} the same server acts as a
// complete second provider (discovery, authorization, token endpoint, the same keys) whose ID
// tokens are re-signed after one change (honest: none, the control): wrong-issuer, wrong-audience, expired, wrong-nonce,
// bad-signature (another key under the same kid). Its issuer is `{issuer}/tamper/{mode}`.
//
// Environment: OIDC_REDIRECT_URIS (comma-separated redirect URIs of the client), OIDC_CLIENT_ID
// (default switchyard), OIDC_CLIENT_SECRET (default switchyard-test-secret).

import http from 'node:http';
import { Provider } from 'oidc-provider';
import { exportJWK, generateKeyPair, importJWK, SignJWT, decodeJwt } from 'jose';

const MODES = ['honest', 'wrong-issuer', 'wrong-audience', 'expired', 'wrong-nonce', 'bad-signature'];
const clientId = process.env.OIDC_CLIENT_ID || 'switchyard';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'switchyard-test-secret';
const redirects = (process.env.OIDC_REDIRECT_URIS || '').split(',').filter(Boolean);

const signing = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(signing.privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const rogue = await generateKeyPair('RS256', { extractable: true });

let handler = (_req, res) => res.writeHead(503).end();
const server = http.createServer((req, res) => handler(req, res));
await new Promise((ok) => server.listen(Number(process.env.OIDC_PORT || 0), '127.0.0.1', ok));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [...redirects, ...MODES.map((m) => `${issuer}/tamper/${m}/cb`)],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        const email = String(id).toLowerCase();
        return {
          sub: id,
          email,
          email_verified: !email.includes('+unverified'),
          name: email.split('@')[0],
        };
      },
    };
  },
  // First-party client: consent is granted at once.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
});
const callback = provider.callback();

// The tampering provider's routes.
async function tamper(req, res, mode, rest, url) {
  const self = `${issuer}/tamper/${mode}`;
  const send = (status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  if (rest === '/.well-known/openid-configuration') {
    const real = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    return send(200, {
      ...real,
      issuer: self,
      authorization_endpoint: `${self}/auth`,
      token_endpoint: `${self}/token`,
    });
  }
  if (rest === '/auth') {
    // To the real provider, coming back through /cb (which keeps the client's redirect URI).
    const q = new URLSearchParams(url.search);
    q.set('state', `${q.get('redirect_uri')}|${q.get('state')}`);
    q.set('redirect_uri', `${self}/cb`);
    res.writeHead(303, { location: `${issuer}/auth?${q}` });
    return res.end();
  }
  if (rest === '/cb') {
    const q = new URLSearchParams(url.search);
    const [back, state] = (q.get('state') || '').split('|');
    q.set('state', state);
    q.set('iss', self);
    res.writeHead(303, { location: `${back}?${q}` });
    return res.end();
  }
  if (rest === '/token' && req.method === 'POST') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    form.set('redirect_uri', `${self}/cb`);
    const real = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: req.headers.authorization || '',
      },
      body: form.toString(),
    });
    const body = await real.json();
    if (!real.ok || !body.id_token) return send(real.status, body);
    const claims = { ...decodeJwt(body.id_token), iss: self };
    const now = Math.floor(Date.now() / 1000);
    if (mode === 'wrong-issuer') claims.iss = `${issuer}/elsewhere`;
    if (mode === 'wrong-audience') claims.aud = 'another-client';
    if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (mode === 'wrong-nonce') claims.nonce = 'not-this-sign-in';
    const key = mode === 'bad-signature' ? rogue.privateKey : await importJWK(jwk, 'RS256');
    body.id_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
      .sign(key);
    return send(200, body, { 'cache-control': 'no-store' });
  }
  return send(404, { error: 'not_found' });
}

handler = (req, res) => {
  const url = new URL(req.url, issuer);
  const m = url.pathname.match(/^\/tamper\/([a-z-]+)(\/.*)$/);
  if (m && MODES.includes(m[1])) {
    tamper(req, res, m[1], m[2], url).catch((e) => {
      res.writeHead(500).end(String(e));
    });
    return;
  }
  callback(req, res);
};

process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
// The test reads that one line and may close the pipe: everything else goes to stderr.
process.stdout.on('error', () => {});
console.log = console.info = (...args) => console.error(...args);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
