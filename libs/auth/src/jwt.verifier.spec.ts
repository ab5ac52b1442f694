// JwtVerifier against a JWKS and discovery documents served on 127.0.0.1: discovery order, the issuer check of the
// discovery document, claims to principal, and the verified-token cache.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { OAuthConfig } from '@gateway/config';
import { AuthFailure } from './auth-errors.js';
import { discoveryUrls, JwtVerifier } from './jwt.verifier.js';

let server: Server;
let issuer: string;
let privateKey: CryptoKey;
const hits: string[] = [];
/** What the discovery documents claim as issuer (to test the mismatch). */
let advertisedIssuer: string | undefined;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/tenant/.well-known/openid-configuration') {
      return json({ issuer: advertisedIssuer ?? issuer, jwks_uri: `${issuer.replace('/tenant', '')}/keys` });
    }
    if (req.url === '/keys') return json({ keys: [jwk] });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}/tenant`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

function config(extra: Partial<OAuthConfig> = {}): OAuthConfig {
  return Object.assign(new OAuthConfig(), { issuer, audience: 'api://gw', ...extra });
}

function token(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ scope: 'mcp read', realm_access: { roles: ['analyst'] }, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience('api://gw')
    .setSubject('client-7')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

describe('JwtVerifier', () => {
  it('finds the keys through RFC 8414, then OpenID discovery, and maps claims to a principal', async () => {
    hits.length = 0;
    const verifier = new JwtVerifier(config({ roles_claim: 'realm_access.roles', required_scopes: ['mcp'] }), ['base']);
    const principal = await verifier.verify(await token());
    expect(principal).toEqual({ id: 'client-7', kind: 'oauth', roles: ['analyst', 'base'], scopes: ['mcp', 'read'] });
    expect(hits).toEqual([
      '/.well-known/oauth-authorization-server/tenant',
      '/tenant/.well-known/openid-configuration',
      '/keys',
    ]);
  });

  it('serves a verified token from its cache until it expires', async () => {
    const verifier = new JwtVerifier(config(), []);
    const jwt = await token();
    const first = await verifier.verify(jwt);
    expect(await verifier.verify(jwt)).toBe(first);
    expect(await verifier.verify(await token({ jti: 'other' }))).not.toBe(first);
  });

  it('still checks required scopes on a cached token, and reads roles from the scope claim when told to', async () => {
    const verifier = new JwtVerifier(config({ roles_claim: 'scope', required_scopes: ['write'] }), []);
    const jwt = await token();
    for (let i = 0; i < 2; i++) {
      await expect(verifier.verify(jwt)).rejects.toMatchObject({ reason: 'insufficient_scope', status: 403 });
    }
    const lenient = new JwtVerifier(config({ roles_claim: 'scope', principal_claim: 'azp' }), []);
    await expect(lenient.verify(await token({ azp: 'app-1' }))).resolves.toMatchObject({
      id: 'app-1',
      roles: ['mcp', 'read'],
    });
    await expect(lenient.verify(jwt)).rejects.toMatchObject({ reason: 'invalid_token' });
  });

  it('refuses a discovery document that names another issuer, as the keys being unavailable (503)', async () => {
    advertisedIssuer = 'http://127.0.0.1:1/evil';
    try {
      const failure = await new JwtVerifier(config(), []).verify(await token()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthFailure);
      expect(failure).toMatchObject({ reason: 'jwks_unavailable', status: 503 });
      expect((failure as Error).message).toContain('names issuer http://127.0.0.1:1/evil');
    } finally {
      advertisedIssuer = undefined;
    }
  });
});

describe('discoveryUrls', () => {
  it('inserts the well-known segment before the issuer path (RFC 8414) and appends it for OpenID', () => {
    expect(discoveryUrls('https://idp.example.com/realms/acme')).toEqual([
      'https://idp.example.com/.well-known/oauth-authorization-server/realms/acme',
      'https://idp.example.com/realms/acme/.well-known/openid-configuration',
    ]);
    expect(discoveryUrls('https://idp.example.com/')).toEqual([
      'https://idp.example.com/.well-known/oauth-authorization-server',
      'https://idp.example.com/.well-known/openid-configuration',
    ]);
  });
});
