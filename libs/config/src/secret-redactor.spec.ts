// What the redactor masks (credentials, configured or named in the text) and what it must leave alone (the rest).
import { describe, expect, it } from '@jest/globals';
import type { BackendConfig } from './backend-config.js';
import type { GatewayConfig } from './gateway-config.js';
import { looksLikeSecret, SecretRedactor } from './secret-redactor.js';

function redactorFor(...backends: Partial<BackendConfig>[]): SecretRedactor {
  return new SecretRedactor(backends.map((backend) => ({ env: {}, headers: {}, ...backend }) as BackendConfig));
}

describe('SecretRedactor', () => {
  const redactor = redactorFor(
    {
      env: {
        API_TOKEN: 'tok-5ecret-9f8e7d6c',
        DB_PASSWORD: 'hunter2',
        GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
        STRIPE: 'sk_live_51HxT9aKq8Zp2LmN4vR7wYb3C',
        // Settings, not credentials: their values are ordinary words and numbers that appear in other text.
        PROBE: 'ready',
        LOG_LEVEL: 'debug',
        NODE_ENV: 'production',
        AUTH_ENABLED: 'true',
        TOKEN_TTL: '3600',
        DATA_DIR: '/var/lib/mcp-gateway/data-2026',
        AUTHOR: 'Jane',
      },
    },
    {
      http_url: 'https://svc:url-pass-77@api.example.com/mcp?api_key=q-key-123&region=eu',
      headers: { Authorization: 'Bearer abc.DEF-123_456', 'X-Team': 'blue' },
    },
  );

  it.each([
    ['a secret-named env value', 'connecting with token tok-5ecret-9f8e7d6c', 'connecting with token ***'],
    ['a short password under a password name', 'login hunter2 failed', 'login *** failed'],
    ['a key-looking value under any name', 'using sk_live_51HxT9aKq8Zp2LmN4vR7wYb3C now', 'using *** now'],
    ['a header value and its token part', 'sent abc.DEF-123_456', 'sent ***'],
    ['every header value, short or not', 'team blue joined', 'team *** joined'],
    ['the password of the http_url', 'auth failed for url-pass-77', 'auth failed for ***'],
    ['a secret-named query parameter of the http_url', 'GET ?api_key=q-key-123', 'GET ?api_key=***'],
  ])('masks %s', (_case, text, expected) => {
    expect(redactor.redact(text)).toBe(expected);
  });

  it.each([
    ['password=', 'db password=hunter3 rejected', 'db password=*** rejected'],
    ['a JSON field', '{"client_secret":"s3cr3t-value","user":"bob"}', '{"client_secret":"***","user":"bob"}'],
    ['an Authorization header', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x', 'Authorization: Bearer ***'],
    ['a bare bearer token', 'sent bearer 0123456789abcdef', 'sent bearer ***'],
    [
      'the password of a URL',
      'cannot reach postgres://app:pw-99@db:5432/x',
      'cannot reach postgres://app:***@db:5432/x',
    ],
    ['api-key: in text', 'x-api-key: AKIA1234', 'x-api-key: ***'],
  ])('masks a secret named in the text: %s', (_case, text, expected) => {
    expect(redactor.redact(text)).toBe(expected);
  });

  it.each([
    'Mapped {/health/ready, GET} route',
    'log level debug, NODE_ENV production',
    'auth is true for 3600 s',
    'files in /var/lib/mcp-gateway/data-2026',
    'Bearer tokens go in the Authorization header',
    'progressToken: 7, max_tokens: 100',
    'written by Jane',
    'tools/call failed: backend "everything" is rate limited',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactor.redact(text)).toBe(text);
  });

  it('masks strings inside a record but leaves non-plain objects to their serializers', () => {
    const response = new (class Response {
      statusCode = 200;
    })();
    const record = { msg: 'token tok-5ecret-9f8e7d6c', nested: { list: ['hunter2'] }, res: response };
    const redacted = redactor.redactDeep(record);
    expect(redacted).toEqual({ msg: 'token ***', nested: { list: ['***'] }, res: response });
    expect(redacted.res).toBe(response);
  });

  it('redacts an error in place, keeping its class and code', () => {
    const error = Object.assign(new TypeError('HTTP 500: db password=hunter2'), { code: -32603 });
    expect(redactor.redactError(error)).toBe(error);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('HTTP 500: db password=***');
    expect(error.code).toBe(-32603);
  });
});

describe('looksLikeSecret', () => {
  it.each(['ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'sk_live_51HxT9aKq8Zp2LmN4vR7wYb3C', 'AKIAIOSFODNN7EXAMPLE1'])(
    'is true for a generated key: %s',
    (value) => expect(looksLikeSecret(value)).toBe(true),
  );

  it.each([
    'production',
    'http://localhost:8080/mcp',
    '/usr/local/lib/node_modules',
    'en_US.UTF-8',
    'some words with spaces 12345',
    'aaaaaaaaaaaaaaaaaaaa1',
    '2026-12-01T15:22:23Z',
  ])('is false for an ordinary value: %s', (value) => expect(looksLikeSecret(value)).toBe(false));
});

describe('SecretRedactor.forConfig after a reload', () => {
  it("masks a new backend's credentials once config.backends is replaced, and still the old ones", () => {
    const backend = (token: string) =>
      ({ env: {}, headers: { Authorization: `Bearer ${token}` } }) as unknown as BackendConfig;
    const config = { backends: { a: backend('old-token-123456') }, meta_mcp: {} } as unknown as GatewayConfig;
    const redactor = SecretRedactor.forConfig(config);
    expect(redactor.redact('new-token-654321')).toBe('new-token-654321');
    config.backends = { b: backend('new-token-654321') };
    expect(redactor.redact('sent new-token-654321 and old-token-123456')).toBe('sent *** and ***');
  });
});
