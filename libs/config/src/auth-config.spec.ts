// `auth` and `audit` (issue 13) through the real loader: YAML on disk -> validation -> typed config, or the problems.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from './config-error.js';
import { loadGatewayConfig } from './config.loader.js';
import type { GatewayConfig } from './gateway-config.js';

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'auth-config-spec-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(yaml: string, env: NodeJS.ProcessEnv = {}): GatewayConfig {
  const file = join(dir, `auth-${++counter}.yaml`);
  writeFileSync(file, yaml);
  return loadGatewayConfig({ flags: { config: file }, env, cwd: dir });
}

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(yaml, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const SHA = 'a'.repeat(64);

describe('auth', () => {
  it('is absent by default, and audit is off', () => {
    const config = load('');
    expect(config.auth).toBeUndefined();
    expect(config.audit).toEqual({ enabled: false, destination: 'stdout', include_arguments: false });
  });

  it('loads keys, oauth, roles and their defaults', () => {
    const config = load(
      [
        'auth:',
        '  api_keys:',
        '    - { id: ci, key: "${CI_KEY}", roles: [admin] }',
        `    - { id: bot, key_sha256: ${SHA}, roles: [analyst] }`,
        '  oauth: { issuer: "https://idp.example.com/realms/x", audience: "https://gw.example.com/mcp" }',
        '  roles:',
        '    admin: { allow: ["*"] }',
        '    analyst: { allow: ["wiki/*"], deny: ["*/delete_*"], requests_per_second: 5, max_concurrency: 2 }',
        '  default_roles: [analyst]',
        '  public_routes: [/metrics]',
      ].join('\n'),
      { CI_KEY: 'k'.repeat(32) },
    );
    expect(config.auth?.api_keys.map((key) => [key.id, key.key, key.key_sha256, key.roles])).toEqual([
      ['ci', 'k'.repeat(32), undefined, ['admin']],
      ['bot', undefined, SHA, ['analyst']],
    ]);
    expect(config.auth?.oauth).toEqual({
      issuer: 'https://idp.example.com/realms/x',
      audience: 'https://gw.example.com/mcp',
      required_scopes: [],
      roles_claim: 'roles',
      principal_claim: 'sub',
      clock_tolerance: 30_000,
    });
    expect(config.auth?.roles.analyst).toEqual({
      allow: ['wiki/*'],
      deny: ['*/delete_*'],
      requests_per_second: 5,
      max_concurrency: 2,
    });
    expect(config.auth?.roles.admin).toEqual({ allow: ['*'], deny: [] });
    expect(config.auth?.allow_anonymous).toBe(false);
    expect(config.auth?.public_routes).toEqual(['/metrics']);
  });

  it.each([
    [
      'a key with both key and key_sha256',
      `auth: { api_keys: [{ id: a, key: "${'x'.repeat(20)}", key_sha256: ${SHA} }] }`,
      'auth.api_keys.0: set exactly one of key or key_sha256',
    ],
    ['a key with neither', 'auth: { api_keys: [{ id: a }] }', 'auth.api_keys.0: set exactly one of key or key_sha256'],
    [
      'a short key',
      'auth: { api_keys: [{ id: a, key: short }] }',
      'auth.api_keys.0.key: must be at least 16 characters (got a shorter one; use a random key)',
    ],
    [
      'a bad digest',
      'auth: { api_keys: [{ id: a, key_sha256: abc }] }',
      'auth.api_keys.0.key_sha256: must be 64 hex digits (the SHA-256 of the key) (got "abc")',
    ],
    [
      'two keys with one id',
      `auth: { api_keys: [{ id: a, key_sha256: ${SHA} }, { id: a, key_sha256: ${'b'.repeat(64)} }] }`,
      'auth.api_keys.1.id: "a" is used by another key',
    ],
    [
      'an unknown role on a key',
      `auth: { api_keys: [{ id: a, key_sha256: ${SHA}, roles: [boss] }], roles: { admin: { allow: ["*"] } } }`,
      'auth.api_keys.0.roles: unknown role "boss" (roles: admin)',
    ],
    [
      'an unknown default role',
      'auth: { default_roles: [x] }',
      'auth.default_roles: unknown role "x" (roles: none defined)',
    ],
    [
      'a typo in a role',
      'auth: { roles: { r: { alow: ["*"] } } }',
      'auth.roles.r.alow: unknown key (did you mean "allow"?)',
    ],
    [
      'a role that is not a mapping',
      'auth: { roles: { r: ["*"] } }',
      'auth.roles.r: must be a mapping with allow (and optionally deny)',
    ],
    [
      'a bad role rate',
      'auth: { roles: { r: { allow: ["*"], requests_per_second: 0 } } }',
      'auth.roles.r.requests_per_second: must be a positive number (got 0)',
    ],
    [
      'an issuer that is not a URL',
      'auth: { oauth: { issuer: idp, audience: x } }',
      'auth.oauth.issuer: must be the issuer URL (https://...) (got "idp")',
    ],
    [
      'oauth without audience',
      'auth: { oauth: { issuer: "https://idp" } }',
      'auth.oauth.audience: must be a string (got undefined)',
    ],
    [
      'a public route that is not a path',
      'auth: { public_routes: [metrics] }',
      'auth.public_routes: entries must be paths starting with /',
    ],
    ['a typo in audit', 'audit: { destinaton: stdout }', 'audit.destinaton: unknown key (did you mean "destination"?)'],
  ])('refuses %s, naming the key', (_case, yaml, problem) => {
    expect(problems(yaml)).toEqual([problem]);
  });
});

describe('a gateway reachable from other machines', () => {
  it('refuses to start without client authentication', () => {
    expect(problems('server: { host: 0.0.0.0 }')).toEqual([
      'server.host: 0.0.0.0 is reachable from other machines but no client authentication is configured; set ' +
        'auth.api_keys or auth.oauth, or auth.allow_anonymous: true to serve anyone who can connect',
    ]);
    expect(problems('server: { host: 0.0.0.0 }\nauth: { roles: { a: { allow: ["*"] } } }')).toHaveLength(1);
    expect(problems('', { MCP_GATEWAY_HOST: '192.168.1.2' })).toHaveLength(1);
  });

  it('starts with keys, with oauth, or when anonymous access is explicit', () => {
    expect(problems(`server: { host: 0.0.0.0 }\nauth: { api_keys: [{ id: a, key_sha256: ${SHA} }] }`)).toEqual([]);
    expect(problems('server: { host: 0.0.0.0 }\nauth: { oauth: { issuer: "https://i", audience: a } }')).toEqual([]);
    expect(problems('server: { host: "::" }\nauth: { allow_anonymous: true }')).toEqual([]);
  });

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('treats %s as loopback', (host) => {
    expect(problems(`server: { host: "${host}" }`)).toEqual([]);
  });
});
