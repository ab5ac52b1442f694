// Same-run cost of client authentication: three builds of this tree on the same echo backend, auth off, API keys,
// and OAuth (a JWT verified once, then served from the verified-token cache), timed windows alternating between them.
// Not part of `npm run bench`.
//
//   npm run build && npm run bench:auth -- [--sessions 8] [--runs 6] [--window-ms 2000]
//
// Prints each window, then the median calls/s, p50 and gateway CPU per call of each.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { LoadPool } from './lib/load-pool.js';
import { ProcessTracker } from './lib/process-tracker.js';
import { echoFixture, startGateway } from './lib/servers.js';
import { alternateWindows, sameRunFlags, type SameRunTarget } from './lib/same-run.js';

const { sessions, runs, windowMs } = sameRunFlags();
const API_KEY = 'bench-api-key-0123456789abcdef';

// A JWKS on loopback for the OAuth gateway, and one token signed with its key.
const { publicKey, privateKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
const jwks = createServer((_req, res) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
);
await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
const jwksPort = (jwks.address() as { port: number }).port;
const issuer = `http://127.0.0.1:${jwksPort}`;
const audience = 'urn:mcp-gateway:bench';
const token = await new SignJWT({ scope: 'mcp', roles: ['all'] })
  .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
  .setIssuer(issuer)
  .setAudience(audience)
  .setSubject('bench-client')
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(privateKey);

const roles = { all: { allow: ['*'] } };
const variants = [
  { label: 'off', config: {}, headers: undefined },
  {
    label: 'api_key',
    config: { auth: { api_keys: [{ id: 'bench', key: API_KEY, roles: ['all'] }], roles } },
    headers: { authorization: `Bearer ${API_KEY}` },
  },
  {
    label: 'oauth',
    config: { auth: { oauth: { issuer, audience, jwks_uri: `${issuer}/jwks` }, roles } },
    headers: { authorization: `Bearer ${token}` },
  },
];

const tracker = new ProcessTracker();
process.once('SIGINT', () => void tracker.stopAll().finally(() => process.exit(130)));
try {
  const targets: SameRunTarget[] = [];
  const cleanups: Array<() => void> = [];
  for (const variant of variants) {
    const gateway = await startGateway(tracker, {
      label: variant.label,
      metaMode: true,
      backends: { echo_stdio: { command: process.execPath, args: [echoFixture, 'stdio'] } },
      config: variant.config,
    });
    const { label, headers } = variant;
    targets.push({ label, headers, url: `${gateway.url}/mcp/echo_stdio`, pid: gateway.proc.pid });
    cleanups.push(gateway.cleanup);
  }
  const pool = LoadPool.start(tracker, 1, 'raw');
  const calls = [{ name: 'echo', arguments: { message: 'hello' }, expectText: 'hello' }];
  await alternateWindows(pool, targets, { runs, sessions, windowMs, calls });
  await pool.stop();
  for (const cleanup of cleanups) cleanup();
} finally {
  await tracker.stopAll();
  jwks.close();
}
