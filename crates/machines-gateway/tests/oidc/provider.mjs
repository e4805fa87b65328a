// A real OpenID Connect provider for the gateway's tests and the local stack: the npm package oidc-provider
// on 127.0.0.1, with signing keys made at start, a few users with passwords, a sign-in form and a consent
// form a test drives over plain HTTP, and access tokens issued as JWTs for the gateway's audience.
//
//   node provider.mjs [port]        port 0 (the default) picks a free one
//
// Environment:
//   OIDC_PORT              the port, when not given as an argument
//   OIDC_AUDIENCE          the gateway's audience, the default resource (default http://127.0.0.1/gateway)
//   OIDC_OTHER_AUDIENCE    a second resource server tokens may be asked for (default https://other-api.test),
//                          so a test can hold a real token meant for someone else
//   OIDC_ACCESS_TOKEN_TTL  access-token lifetime in seconds (default 300)
//
// Prints the issuer URL as the first line of stdout once it listens; stops on SIGTERM or SIGINT.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.OIDC_PORT ?? 0);
const audience = process.env.OIDC_AUDIENCE ?? 'http://127.0.0.1/gateway';
const otherAudience = process.env.OIDC_OTHER_AUDIENCE ?? 'https://other-api.test';
const accessTokenTtl = Number(process.env.OIDC_ACCESS_TOKEN_TTL ?? 300);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`the port must be 0..65535, not ${process.argv[2] ?? process.env.OIDC_PORT}`);
if (!Number.isInteger(accessTokenTtl) || accessTokenTtl < 1) fail(`OIDC_ACCESS_TOKEN_TTL must be a whole number of seconds ≥ 1`);

// Test users: the subject is the account id, stable across runs so a test can name it.
const users = new Map([
  ['alice', { password: 'alice-password', name: 'Alice Example' }],
  ['bob', { password: 'bob-password', name: 'Bob Example' }],
  ['carol', { password: 'carol-password', name: 'Carol Example' }],
]);

// The desktop app: a public client (no secret) that must use PKCE, redirecting to a loopback port of its
// choosing (RFC 8252 §7.3: for native clients oidc-provider ignores the port of a loopback redirect).
const clients = [
  {
    client_id: 'machines-wallet',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    // refresh_token: the app's sign-in asks offline_access and renews with the refresh token (wallet-core signin).
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
  },
];

// One RSA and one EC signing key per start; the access tokens are signed with ES256, ID tokens with RS256.
function signingKey(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid: `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`, alg, use: 'sig' };
}
const jwks = {
  keys: [signingKey('rsa', { modulusLength: 2048 }, 'RS256'), signingKey('ec', { namedCurve: 'P-256' }, 'ES256')],
};

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    jwks,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: (_ctx, id) => (users.has(id) ? { accountId: id, claims: () => ({ sub: id, name: users.get(id).name }) } : undefined),
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'profile'],
    pkce: { required: () => true },
    ttl: { AccessToken: accessTokenTtl },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== audience && resource !== otherAudience) throw new errors.InvalidTarget();
          return {
            scope: 'wallet',
            audience: resource,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
  });
  const providerHandler = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec(new URL(req.url, issuer).pathname);
    if (!match) return providerHandler(req, res);
    interaction(provider, req, res, match[2]).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`interaction failed: ${error.message}`);
    });
  });
  console.log(issuer);
});

// The two screens a person sees: the sign-in form, then the consent form. GET shows the screen the
// provider is asking for; POST .../login checks the password; POST .../confirm grants what was asked.
async function interaction(provider, req, res, action) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params } = details;
  if (req.method === 'GET' && !action) {
    return prompt.name === 'login' ? page(res, uid, loginForm(uid, params.client_id)) : page(res, uid, consentForm(uid, prompt.details));
  }
  if (req.method !== 'POST') return res.writeHead(405, { allow: 'GET, POST' }).end();
  const form = new URLSearchParams(await body(req));
  if (action === 'login') {
    const login = form.get('login') ?? '';
    const user = users.get(login);
    if (!user || user.password !== form.get('password')) {
      return page(res, uid, loginForm(uid, params.client_id, 'That user name and password do not match.'), 401);
    }
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return res.writeHead(400, { 'content-type': 'text/plain' }).end('this step is not the one the provider is asking for');
}

function loginForm(uid, clientId, error) {
  return `<h1>Sign in to ${escape(clientId)}</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label>User name <input name="login" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>`;
}

function consentForm(uid, missing) {
  const asked = [...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()];
  return `<h1>Allow access</h1><p>The app asks for: ${escape(asked.join(', ') || 'nothing new')}.</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>`;
}

function page(res, uid, content, status = 200) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><title>Test provider</title></head><body data-interaction="${uid}">${content}</body></html>`);
}

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 16 * 1024) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fail(message) {
  console.error(`provider.mjs: ${message}`);
  process.exit(2);
}

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
