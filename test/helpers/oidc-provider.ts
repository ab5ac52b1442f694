// A real OpenID provider (oidc-provider) on 127.0.0.1 for the auth specs: client-credentials clients whose JWT access
// tokens name a resource (RFC 8707) and carry a `roles` claim. Its signing keys can be rotated and its JWKS endpoint
// taken down while it keeps running; the current private key is exposed to forge tokens the provider would not issue.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { Provider, type ProviderToken } from 'oidc-provider';

export interface IdpClient {
  id: string;
  secret: string;
  roles: string[];
  /** Scopes the client may get; default `mcp`. */
  scope?: string;
}

export interface TestIdp {
  issuer: string;
  /** The private signing JWK in use (with kid and alg). */
  readonly signingKey: JWK;
  /** A client-credentials access token for `resource`. */
  token(client: IdpClient, resource: string, scope?: string): Promise<string>;
  /** A new signing key (new kid) first, the old one still published. */
  rotateKeys(): Promise<void>;
  /** While down, the JWKS endpoint answers 503. */
  setJwksDown(down: boolean): void;
  /** How often the JWKS was fetched. */
  readonly jwksFetches: number;
  close(): Promise<void>;
}

async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: 'ES256', use: 'sig', kid: `k-${Math.random().toString(36).slice(2, 10)}` };
}

export async function startTestIdp(clients: IdpClient[]): Promise<TestIdp> {
  let provider: Provider | undefined;
  let jwksDown = false;
  let jwksFetches = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/jwks')) {
      jwksFetches++;
      if (jwksDown) {
        res.writeHead(503).end();
        return;
      }
    }
    provider!.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const rolesOf = new Map(clients.map((client) => [client.id, client.roles]));
  let keys: JWK[] = [await newKey()];

  const build = () =>
    new Provider(issuer, {
      clients: clients.map((client) => ({
        client_id: client.id,
        client_secret: client.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: client.scope ?? 'mcp',
      })),
      jwks: { keys },
      cookies: { keys: ['test-cookie-key-0123456789'] },
      ttl: { ClientCredentials: 300 },
      // RS256 by default; the keys here are EC.
      clientDefaults: { id_token_signed_response_alg: 'ES256' },
      scopes: ['mcp'],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => ({
            scope: 'mcp',
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 300,
            jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
      extraTokenClaims: (_ctx: unknown, token: ProviderToken) => ({ roles: rolesOf.get(token.clientId ?? '') ?? [] }),
    });
  provider = build();

  return {
    issuer,
    get signingKey() {
      return keys[0];
    },
    get jwksFetches() {
      return jwksFetches;
    },
    async token(client, resource, scope = 'mcp') {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource,
          ...(scope ? { scope } : {}),
        }).toString(),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token request failed: ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    async rotateKeys() {
      keys = [await newKey(), ...keys];
      provider = build();
    },
    setJwksDown(down) {
      jwksDown = down;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
