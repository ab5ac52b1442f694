// The config loader end to end on real files: YAML -> ${VAR} -> env and CLI overlays -> validation -> GatewayConfig.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseCliFlags, type CliFlags } from './cli-flags.js';
import { ConfigError } from './config-error.js';
import { loadGatewayConfig, loadGatewayConfigFromObject } from './config.loader.js';
import type { GatewayConfig } from './gateway-config.js';
import { gatewayPackage } from './package-root.js';
import { SecretRedactor } from './secret-redactor.js';

let dir: string;
let counter = 0;

/** The defaults of the transport keys in `server` (issue 4). */
const transportDefaults = {
  allowed_origins: [
    'http://localhost:*',
    'https://localhost:*',
    'http://127.0.0.1:*',
    'https://127.0.0.1:*',
    'http://[::1]:*',
    'https://[::1]:*',
  ],
  allowed_hosts: [],
  trust_proxy: [],
  watch_config: false,
  max_body_size: 4 * 1024 * 1024,
  body_timeout: 30_000,
  stream_buffer: 1024 * 1024,
  max_sessions: 10_000,
  session_idle_timeout: 1_800_000,
  input_required_timeout: 300_000,
  event_store: { max_events_per_stream: 1000, max_events: 100_000, max_bytes: 64 * 1024 * 1024 },
};

/** Every `server` key's documented default. */
const serverDefaults = {
  host: '127.0.0.1',
  port: 39400,
  request_timeout: 30_000,
  shutdown_timeout: 30_000,
  connect_timeout: 30_000,
  max_request_duration: 3_600_000,
  rate_limit: { enabled: false, requests_per_second: 20, burst: 40 },
  ...transportDefaults,
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-loader-spec-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `yaml` to a fresh file in the temp dir (or in `subdir` of it) and returns its absolute path. */
function writeYaml(yaml: string, subdir = ''): string {
  const target = join(dir, subdir);
  mkdirSync(target, { recursive: true });
  const file = join(target, `config-${++counter}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function load(yaml: string, env: NodeJS.ProcessEnv = {}, flags: CliFlags = {}): GatewayConfig {
  return loadGatewayConfig({ flags: { config: writeYaml(yaml), ...flags }, env, cwd: dir });
}

/** The problem lines of the ConfigError `fn` throws; fails the test when it does not throw one. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

/** Problems of a YAML config that must be rejected. */
function problemsOfYaml(yaml: string, env: NodeJS.ProcessEnv = {}, flags: CliFlags = {}): string[] {
  return problemsOf(() => load(yaml, env, flags));
}

/** Asserts exactly one problem line, that it starts with `path: `, and returns it. */
function onlyProblemAt(problems: string[], path: string): string {
  expect(problems).toHaveLength(1);
  expect(problems[0].startsWith(`${path}: `)).toBe(true);
  return problems[0];
}

describe('defaults', () => {
  it('fills every key of an empty file with the documented default', () => {
    const config = load('');
    expect(config.server).toEqual({ ...serverDefaults });
    expect(config.logging).toEqual({ level: 'info', format: 'auto' });
    expect(config.meta_mcp).toEqual({ enabled: true, cache_tools: true, cache_ttl: 300_000, search: {} });
    expect(config.failsafe.circuit_breaker).toEqual({
      enabled: true,
      failure_threshold: 5,
      success_threshold: 3,
      reset_timeout: 30_000,
    });
    expect(config.failsafe.retry).toEqual({
      enabled: true,
      max_attempts: 3,
      initial_backoff: 100,
      max_backoff: 10_000,
    });
    expect(config.failsafe.rate_limit).toEqual({ enabled: true, requests_per_second: 100 });
    expect(config.failsafe.rate_limit.burst).toBeUndefined();
    expect(config.failsafe.health_check).toEqual({ enabled: true, interval: 10_000, timeout: 5_000 });
    expect(config.backends).toEqual({});
  });

  it('keeps defaults for the keys a partial section leaves out', () => {
    const config = load('server:\n  port: 4000\nfailsafe:\n  retry:\n    max_attempts: 5\n');
    expect(config.server).toEqual({ ...serverDefaults, port: 4000 });
    expect(config.failsafe.retry.max_attempts).toBe(5);
    expect(config.failsafe.retry.initial_backoff).toBe(100);
    expect(config.failsafe.circuit_breaker.failure_threshold).toBe(5);
  });

  it('gives a backend its defaults: enabled, no env, no headers, idle_timeout 0, argv from command', () => {
    const backend = load('backends:\n  local:\n    command: node server.js\n').backends.local;
    expect(backend.enabled).toBe(true);
    expect(backend.env).toEqual({});
    expect(backend.headers).toEqual({});
    expect(backend.args).toEqual([]);
    expect(backend.description).toBe('');
    expect(backend.idle_timeout).toBe(0);
    expect(backend.max_concurrency).toBe(100);
    expect(backend.max_queue).toBe(100);
    expect(backend.retry_tool_calls).toBe(false);
    expect(backend.timeout).toBeUndefined();
    expect(backend.argv).toEqual(['node', 'server.js']);
    expect(backend.kind).toBe('stdio');
  });

  it('records the file it loaded as source', () => {
    const file = writeYaml('');
    expect(loadGatewayConfig({ flags: { config: file }, env: {}, cwd: dir }).source).toBe(file);
  });
});

describe('durations', () => {
  it('turns 100ms, 30s, 5m and 1h into milliseconds', () => {
    const config = load(
      [
        'server:',
        '  request_timeout: 100ms',
        '  shutdown_timeout: 30s',
        'meta_mcp:',
        '  cache_ttl: 5m',
        'failsafe:',
        '  circuit_breaker:',
        '    reset_timeout: 1h',
        '  retry:',
        '    initial_backoff: 250',
        '    max_backoff: "1.5s"',
        'backends:',
        '  a:',
        '    command: node',
        '    timeout: 2s',
        '    idle_timeout: 10m',
      ].join('\n'),
    );
    expect(config.server.request_timeout).toBe(100);
    expect(config.server.shutdown_timeout).toBe(30_000);
    expect(config.meta_mcp.cache_ttl).toBe(300_000);
    expect(config.failsafe.circuit_breaker.reset_timeout).toBe(3_600_000);
    expect(config.failsafe.retry.initial_backoff).toBe(250);
    expect(config.failsafe.retry.max_backoff).toBe(1500);
    expect(config.backends.a.timeout).toBe(2000);
    expect(config.backends.a.idle_timeout).toBe(600_000);
  });
});

describe('transport keys', () => {
  it('reads allowed origins and hosts, a byte size for max_body_size and the event store bounds', () => {
    const config = load(
      [
        'server:',
        '  allowed_origins: ["https://app.example.com", "http://localhost:*", "http://10.0.0.5:8080"]',
        '  allowed_hosts: [gw.internal, "gw.internal:8443", "[::1]"]',
        '  max_body_size: 512kb',
        '  event_store: { max_events_per_stream: 50, max_events: 5000, max_bytes: 16mb }',
      ].join('\n'),
    );
    expect(config.server).toMatchObject({
      allowed_origins: ['https://app.example.com', 'http://localhost:*', 'http://10.0.0.5:8080'],
      allowed_hosts: ['gw.internal', 'gw.internal:8443', '[::1]'],
      max_body_size: 512 * 1024,
      event_store: { max_events_per_stream: 50, max_events: 5000, max_bytes: 16 * 1024 * 1024 },
    });
  });

  it('takes sizes as bytes or with b, kb, mb, gb (binary) and kib, mib, gib', () => {
    const sizes: Array<[string, number]> = [
      ['2048', 2048],
      ['4mb', 4 * 1024 ** 2],
      ['1.5 MB', 1.5 * 1024 ** 2],
      ['64KiB', 64 * 1024],
      ['1gb', 1024 ** 3],
    ];
    for (const [yaml, bytes] of sizes) {
      expect(load(`server:\n  max_body_size: ${yaml}\n`).server.max_body_size).toBe(bytes);
    }
  });

  it('names a bad size, a bad origin or host entry by its index, and a zero event bound', () => {
    const problems = problemsOfYaml(
      [
        'server:',
        '  max_body_size: 4 megs',
        '  allowed_origins: ["https://ok.example.com", "https://app.example.com/path"]',
        '  allowed_hosts: ["ok.internal", "http://bad.internal"]',
        '  event_store: { max_events: 0 }',
      ].join('\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^server\.allowed_origins\.1: must be an origin such as .*\(got "https:\/\/app\.example\.com\/path"\)$/,
      ),
      expect.stringMatching(/^server\.allowed_hosts\.1: must be a host name .*\(got "http:\/\/bad\.internal"\)$/),
      'server.max_body_size: must be a size such as 512kb, 4mb or a number of bytes (got 4 megs)',
      'server.event_store.max_events: must not be less than 1 (got 0)',
    ]);
  });

  it('reads the session, stream and body limits, and names a bad one', () => {
    const config = load(
      'server:\n  max_sessions: 500\n  session_idle_timeout: 5m\n  stream_buffer: 256kb\n  body_timeout: 10s\n',
    );
    expect(config.server).toMatchObject({
      max_sessions: 500,
      session_idle_timeout: 300_000,
      stream_buffer: 256 * 1024,
      body_timeout: 10_000,
    });
    const problems = problemsOfYaml(
      'server:\n  max_sessions: 0\n  session_idle_timeout: 100ms\n  stream_buffer: lots\n  body_timeout: soon\n',
    );
    expect(problems).toEqual([
      'server.stream_buffer: must be a size such as 512kb, 4mb or a number of bytes (got lots)',
      'server.body_timeout: must be a duration such as 100ms, 30s, 5m or 1h (got soon)',
      'server.max_sessions: must not be less than 1 (got 0)',
      'server.session_idle_timeout: must not be less than 1000 (got 100)',
    ]);
  });

  it('refuses a max_body_size below 1kb or above 1gb, and a list that is not one', () => {
    expect(onlyProblemAt(problemsOfYaml('server:\n  max_body_size: 100\n'), 'server.max_body_size')).toContain(
      'at least 1kb',
    );
    expect(onlyProblemAt(problemsOfYaml('server:\n  max_body_size: 2gb\n'), 'server.max_body_size')).toContain(
      'at most 1gb',
    );
    expect(onlyProblemAt(problemsOfYaml('server:\n  allowed_origins: "*"\n'), 'server.allowed_origins')).toContain(
      'must be a list of strings',
    );
  });
});

describe('resilience keys', () => {
  it('reads rate limits, health checks and per-backend limits', () => {
    const config = load(
      [
        'server:',
        '  rate_limit: { enabled: true, requests_per_second: 2.5, burst: 5 }',
        'failsafe:',
        '  rate_limit: { requests_per_second: 10, burst: 30 }',
        '  health_check: { enabled: false, interval: 2s, timeout: 250ms }',
        'backends:',
        '  a:',
        '    command: node',
        '    max_concurrency: 4',
        '    max_queue: 0',
        '    retry_tool_calls: true',
      ].join('\n'),
    );
    expect(config.server.rate_limit).toEqual({ enabled: true, requests_per_second: 2.5, burst: 5 });
    expect(config.failsafe.rate_limit).toEqual({ enabled: true, requests_per_second: 10, burst: 30 });
    expect(config.failsafe.health_check).toEqual({ enabled: false, interval: 2000, timeout: 250 });
    expect(config.backends.a).toMatchObject({ max_concurrency: 4, max_queue: 0, retry_tool_calls: true });
  });

  it('rejects a zero concurrency, a zero burst and a health-check interval below 100ms', () => {
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    command: node\n    max_concurrency: 0\n'),
      'backends.a.max_concurrency',
    );
    onlyProblemAt(problemsOfYaml('failsafe:\n  rate_limit:\n    burst: 0\n'), 'failsafe.rate_limit.burst');
    onlyProblemAt(problemsOfYaml('server:\n  rate_limit:\n    burst: 1.5\n'), 'server.rate_limit.burst');
    onlyProblemAt(problemsOfYaml('failsafe:\n  health_check:\n    interval: 10ms\n'), 'failsafe.health_check.interval');
    expect(
      onlyProblemAt(
        problemsOfYaml('failsafe:\n  health_check:\n    intervall: 1s\n'),
        'failsafe.health_check.intervall',
      ),
    ).toContain('interval');
  });
});

describe('precedence: file < MCP_GATEWAY_* env < CLI flags', () => {
  // Off loopback without client authentication the gateway must be told it serves anyone (issue 13).
  const file = [
    'server:',
    '  host: 10.0.0.1',
    '  port: 1111',
    'logging:',
    '  level: warn',
    '  format: text',
    'auth:',
    '  allow_anonymous: true',
  ].join('\n');

  it('uses the file when nothing overrides it', () => {
    const config = load(file);
    expect(config.server.host).toBe('10.0.0.1');
    expect(config.server.port).toBe(1111);
    expect(config.logging).toEqual({ level: 'warn', format: 'text' });
  });

  it('lets MCP_GATEWAY_PORT, _HOST, _LOG_LEVEL and _LOG_FORMAT beat the file', () => {
    const config = load(file, {
      MCP_GATEWAY_PORT: '2222',
      MCP_GATEWAY_HOST: '0.0.0.0',
      MCP_GATEWAY_LOG_LEVEL: 'debug',
      MCP_GATEWAY_LOG_FORMAT: 'json',
    });
    expect(config.server.port).toBe(2222);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.logging).toEqual({ level: 'debug', format: 'json' });
  });

  it('lets CLI flags beat the environment', () => {
    const flags = parseCliFlags(['--port', '3333', '--host', '::1', '--log-level', 'error', '--log-format', 'text']);
    const config = load(
      file,
      {
        MCP_GATEWAY_PORT: '2222',
        MCP_GATEWAY_HOST: '0.0.0.0',
        MCP_GATEWAY_LOG_LEVEL: 'debug',
        MCP_GATEWAY_LOG_FORMAT: 'json',
      },
      flags,
    );
    expect(config.server.port).toBe(3333);
    expect(config.server.host).toBe('::1');
    expect(config.logging).toEqual({ level: 'error', format: 'text' });
  });

  it('ignores an empty MCP_GATEWAY_* variable', () => {
    expect(load(file, { MCP_GATEWAY_PORT: '' }).server.port).toBe(1111);
  });

  it('overlays onto a file without the section at all', () => {
    const config = load('', { MCP_GATEWAY_PORT: '4444', MCP_GATEWAY_LOG_LEVEL: 'trace' });
    expect(config.server).toEqual({ ...serverDefaults, port: 4444 });
    expect(config.logging.level).toBe('trace');
  });
});

describe('choosing the config file', () => {
  it('reads MCP_GATEWAY_CONFIG, relative to cwd', () => {
    writeYaml('server:\n  port: 5001\n', 'by-env');
    const name = `by-env/config-${counter}.yaml`;
    const config = loadGatewayConfig({ env: { MCP_GATEWAY_CONFIG: name }, cwd: dir });
    expect(config.server.port).toBe(5001);
    expect(config.source).toBe(join(dir, name));
  });

  it('lets --config beat MCP_GATEWAY_CONFIG', () => {
    const fromEnv = writeYaml('server:\n  port: 5002\n');
    const fromFlag = writeYaml('server:\n  port: 5003\n');
    const config = loadGatewayConfig({
      flags: parseCliFlags(['--config', fromFlag]),
      env: { MCP_GATEWAY_CONFIG: fromEnv },
      cwd: dir,
    });
    expect(config.server.port).toBe(5003);
    expect(config.source).toBe(fromFlag);
  });

  it('falls back to config/gateway.yaml in cwd, then to the one shipped with the gateway', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const shipped = loadGatewayConfig({ env: {}, cwd });
    expect(shipped.source).toBe(join(gatewayPackage().root, 'config/gateway.yaml'));

    mkdirSync(join(cwd, 'config'));
    writeFileSync(join(cwd, 'config/gateway.yaml'), 'server:\n  port: 5004\n');
    const local = loadGatewayConfig({ env: {}, cwd });
    expect(local.source).toBe(join(cwd, 'config/gateway.yaml'));
    expect(local.server.port).toBe(5004);
  });
});

describe('${VAR} substitution', () => {
  it('substitutes in nested strings and arrays, with :- defaults', () => {
    const config = load(
      [
        'server:',
        '  host: ${HOST_VAR:-127.0.0.2}',
        'backends:',
        '  remote:',
        '    http_url: http://${REMOTE_HOST}:${REMOTE_PORT:-8080}/mcp',
        '    description: talks to ${REMOTE_HOST}',
        '    headers:',
        '      Authorization: Bearer ${TOKEN}',
        '  local:',
        '    command: node',
        '    args: ["--name=${NAME}", "${MISSING_ARG:-fallback}", plain]',
        '    env:',
        '      API_KEY: ${TOKEN}',
        '      MODE: ${MODE:-dev}',
      ].join('\n'),
      { REMOTE_HOST: 'api.internal', TOKEN: 'abc123', NAME: 'n1', MODE: 'prod' },
    );
    expect(config.server.host).toBe('127.0.0.2');
    expect(config.backends.remote.http_url).toBe('http://api.internal:8080/mcp');
    expect(config.backends.remote.description).toBe('talks to api.internal');
    expect(config.backends.remote.headers).toEqual({ Authorization: 'Bearer abc123' });
    expect(config.backends.local.args).toEqual(['--name=n1', 'fallback', 'plain']);
    expect(config.backends.local.argv).toEqual(['node', '--name=n1', 'fallback', 'plain']);
    expect(config.backends.local.env).toEqual({ API_KEY: 'abc123', MODE: 'prod' });
  });

  it('keeps $${ as a literal ${', () => {
    const config = load(
      'backends:\n  a:\n    command: node\n    args: ["$${NOT_A_VAR}", "x$${Y:-z}"]\n    env:\n      T: "$${HOME}"\n',
      { HOME: '/home/x' },
    );
    expect(config.backends.a.args).toEqual(['${NOT_A_VAR}', 'x${Y:-z}']);
    expect(config.backends.a.env.T).toBe('${HOME}');
  });
});

describe('command, args and cwd', () => {
  it('splits command like a shell, honouring quotes, then appends args', () => {
    const backend = load(
      [
        'backends:',
        '  a:',
        `    command: node "my server.js" --label 'two words' --flag=a\\ b`,
        '    args: ["--extra", "with space"]',
      ].join('\n'),
    ).backends.a;
    expect(backend.argv).toEqual([
      'node',
      'my server.js',
      '--label',
      'two words',
      '--flag=a b',
      '--extra',
      'with space',
    ]);
    expect(backend.args).toEqual(['--extra', 'with space']);
  });

  it('keeps $NAME literal in command: no shell ever expands it', () => {
    expect(load('backends:\n  a:\n    command: echo $HOME\n', { HOME: '/root' }).backends.a.argv).toEqual([
      'echo',
      '$HOME',
    ]);
  });

  it('resolves a relative cwd against the config file directory, not the process cwd', () => {
    const file = writeYaml(
      'backends:\n  a:\n    command: node\n    cwd: ../data/work\n  b:\n    command: node\n',
      'nested/conf',
    );
    const config = loadGatewayConfig({ flags: { config: file }, env: {}, cwd: '/' });
    expect(config.backends.a.cwd).toBe(join(dir, 'nested/data/work'));
    expect(config.backends.b.cwd).toBeUndefined();
  });

  it('keeps an absolute cwd', () => {
    expect(load('backends:\n  a:\n    command: node\n    cwd: /var/tmp\n').backends.a.cwd).toBe('/var/tmp');
  });

  it('derives the transport kind: stdio, explicit sse / streamable_http, or auto', () => {
    const config = load(
      [
        'backends:',
        '  s:',
        '    command: node',
        '  h:',
        '    http_url: http://127.0.0.1:1/mcp',
        '    transport: streamable_http',
        '  e:',
        '    http_url: http://127.0.0.1:1/sse',
        '    transport: sse',
        '  a:',
        '    http_url: http://127.0.0.1:1/mcp',
        '    headers:',
        '      X-Key: k',
      ].join('\n'),
    );
    expect(config.backends.s.kind).toBe('stdio');
    expect(config.backends.h.kind).toBe('streamable_http');
    expect(config.backends.e.kind).toBe('sse');
    expect(config.backends.a.kind).toBe('auto');
    expect(config.backends.a.argv).toEqual([]);
  });
});

describe('invalid configs name the key path', () => {
  it('unknown key with a did-you-mean hint', () => {
    const line = onlyProblemAt(problemsOfYaml('server:\n  prot: 8080\n'), 'server.prot');
    expect(line).toContain('unknown key');
    expect(line).toContain('did you mean "port"');
  });

  it('unknown top-level key and unknown backend key', () => {
    expect(onlyProblemAt(problemsOfYaml('sever:\n  port: 1\n'), 'sever')).toContain('did you mean "server"');
    expect(
      onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: node\n    envv: {}\n'), 'backends.a.envv'),
    ).toContain('did you mean "env"');
  });

  it('unset ${VAR} names its key and the variable', () => {
    const line = onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    command: node\n    env:\n      API_KEY: ${NOT_SET_ANYWHERE}\n'),
      'backends.a.env.API_KEY',
    );
    expect(line).toContain('NOT_SET_ANYWHERE');
    expect(line).toContain('not set');
  });

  it('unset ${VAR} inside an array names the index', () => {
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    command: node\n    args: [ok, "${NOPE_ARG}"]\n'),
      'backends.a.args[1]',
    );
  });

  it('bad duration', () => {
    const line = onlyProblemAt(problemsOfYaml('server:\n  request_timeout: 10 minutes\n'), 'server.request_timeout');
    expect(line).toContain('duration');
    expect(line).toContain('10 minutes');
    onlyProblemAt(problemsOfYaml('meta_mcp:\n  cache_ttl: -5s\n'), 'meta_mcp.cache_ttl');
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: node\n    timeout: soon\n'), 'backends.a.timeout');
  });

  it('store.redis: off unless set, then a redis:// url, a non-empty key_prefix and durations; its password is redacted', () => {
    expect(load('').store.redis).toBeUndefined();
    expect(load('store:\n  redis:\n    url: redis://127.0.0.1:6379/0\n').store.redis).toEqual({
      url: 'redis://127.0.0.1:6379/0',
      key_prefix: 'mcp-gateway:',
      timeout: 500,
      max_events: 100_000,
      max_bytes: 64 * 1024 * 1024,
      liveness_ttl: 5_000,
    });
    const base = 'store:\n  redis:\n';
    onlyProblemAt(problemsOfYaml(`${base}    key_prefix: a\n`), 'store.redis.url');
    onlyProblemAt(problemsOfYaml(`${base}    url: http://127.0.0.1:6379\n`), 'store.redis.url');
    onlyProblemAt(problemsOfYaml(`${base}    url: redis://h:6379\n    key_prefix: ''\n`), 'store.redis.key_prefix');
    onlyProblemAt(problemsOfYaml(`${base}    url: redis://h:6379\n    timeout: soon\n`), 'store.redis.timeout');
    onlyProblemAt(problemsOfYaml(`${base}    url: redis://h:6379\n    session_ttl: 1ms\n`), 'store.redis.session_ttl');
    onlyProblemAt(problemsOfYaml(`${base}    url: redis://h:6379\n    max_events: 0\n`), 'store.redis.max_events');
    onlyProblemAt(problemsOfYaml(`${base}    url: redis://h:6379\n    max_bytes: 1b\n`), 'store.redis.max_bytes');
    onlyProblemAt(
      problemsOfYaml(`${base}    url: redis://h:6379\n    liveness_ttl: 10ms\n`),
      'store.redis.liveness_ttl',
    );
    const config = load(`${base}    url: redis://:s3cret-pw@h:6379\n    session_ttl: 10m\n`);
    expect(config.store.redis?.session_ttl).toBe(600_000);
    expect(SecretRedactor.forConfig(config).redact('AUTH s3cret-pw failed')).not.toContain('s3cret-pw');
  });

  it('meta_mcp.search.embeddings: off unless set, then url and model required, weight in (0, 1], timeout a duration', () => {
    expect(load('').meta_mcp.search.embeddings).toBeUndefined();
    const on = load(
      'meta_mcp:\n  search:\n    embeddings:\n      url: http://127.0.0.1:11434/v1/embeddings\n      model: nomic-embed-text\n',
    ).meta_mcp.search.embeddings;
    expect(on).toEqual({
      url: 'http://127.0.0.1:11434/v1/embeddings',
      model: 'nomic-embed-text',
      weight: 0.5,
      timeout: 1000,
    });
    const base = 'meta_mcp:\n  search:\n    embeddings:\n';
    onlyProblemAt(problemsOfYaml(`${base}      model: m\n`), 'meta_mcp.search.embeddings.url');
    onlyProblemAt(
      problemsOfYaml(`${base}      url: ftp://x/v1/embeddings\n      model: m\n`),
      'meta_mcp.search.embeddings.url',
    );
    onlyProblemAt(problemsOfYaml(`${base}      url: http://x/v1/embeddings\n`), 'meta_mcp.search.embeddings.model');
    onlyProblemAt(
      problemsOfYaml(`${base}      url: http://x/v1/embeddings\n      model: m\n      weight: 2\n`),
      'meta_mcp.search.embeddings.weight',
    );
    onlyProblemAt(
      problemsOfYaml(`${base}      url: http://x/v1/embeddings\n      model: m\n      timeout: soon\n`),
      'meta_mcp.search.embeddings.timeout',
    );
    onlyProblemAt(
      problemsOfYaml(`${base}      url: http://x/v1/embeddings\n      model: m\n      api_key: 5\n`),
      'meta_mcp.search.embeddings.api_key',
    );
  });

  it('the embeddings api_key is a secret: redacted from any text bound for a log or /health', () => {
    const config = load(
      'meta_mcp:\n  search:\n    embeddings:\n      url: http://x/v1/embeddings\n      model: m\n      api_key: sk-embed-9876\n',
    );
    const redactor = SecretRedactor.forConfig(config);
    expect(redactor.redact('POST failed with Bearer sk-embed-9876')).toBe('POST failed with Bearer ***');
    expect(redactor.redactDeep({ msg: 'key sk-embed-9876' })).toEqual({ msg: 'key ***' });
  });

  it('port out of range', () => {
    expect(onlyProblemAt(problemsOfYaml('server:\n  port: 70000\n'), 'server.port')).toContain('70000');
    expect(onlyProblemAt(problemsOfYaml('server:\n  port: -1\n'), 'server.port')).toContain('-1');
    expect(onlyProblemAt(problemsOfYaml('server:\n  port: 1.5\n'), 'server.port')).toContain('integer');
  });

  it('wrong types', () => {
    expect(onlyProblemAt(problemsOfYaml('meta_mcp:\n  enabled: "yes"\n'), 'meta_mcp.enabled')).toContain('boolean');
    expect(
      onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: node\n    args: hello\n'), 'backends.a.args'),
    ).toContain('array');
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: node\n    args: [1, 2]\n'), 'backends.a.args');
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: node\n    enabled: "no"\n'), 'backends.a.enabled');
    expect(onlyProblemAt(problemsOfYaml('logging:\n  level: loud\n'), 'logging.level')).toContain('loud');
    onlyProblemAt(
      problemsOfYaml('failsafe:\n  rate_limit:\n    requests_per_second: 0\n'),
      'failsafe.rate_limit.requests_per_second',
    );
    onlyProblemAt(problemsOfYaml('server: hello\n'), 'server');
    onlyProblemAt(problemsOfYaml('backends:\n  - a\n'), 'backends');
  });

  it('both command and http_url, or neither', () => {
    expect(
      onlyProblemAt(
        problemsOfYaml('backends:\n  a:\n    command: node\n    http_url: http://127.0.0.1:1/mcp\n'),
        'backends.a',
      ),
    ).toContain('exactly one of command or http_url');
    expect(onlyProblemAt(problemsOfYaml('backends:\n  a:\n    description: nothing to run\n'), 'backends.a')).toContain(
      'exactly one of command or http_url',
    );
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n'), 'backends.a');
  });

  it('backends.<name>.protocol: auto by default, modern or legacy; anything else, or modern over sse, named', () => {
    expect(load('backends:\n  a:\n    command: node\n').backends.a.protocol).toBe('auto');
    expect(load('backends:\n  a:\n    command: node\n    protocol: modern\n').backends.a.protocol).toBe('modern');
    expect(
      onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: node\n    protocol: 2026\n'), 'backends.a.protocol'),
    ).toContain('must be one of');
    expect(
      onlyProblemAt(
        problemsOfYaml(
          'backends:\n  a:\n    http_url: http://127.0.0.1:1/mcp\n    transport: sse\n    protocol: modern\n',
        ),
        'backends.a.protocol',
      ),
    ).toContain('modern needs streamable_http');
  });

  it('invalid backend name', () => {
    expect(
      onlyProblemAt(problemsOfYaml('backends:\n  "bad name!":\n    command: node\n'), 'backends.bad name!'),
    ).toContain('letters, digits');
    onlyProblemAt(problemsOfYaml(`backends:\n  ${'a'.repeat(65)}:\n    command: node\n`), `backends.${'a'.repeat(65)}`);
  });

  it('shell operators in command', () => {
    for (const command of ['node a.js | tee out', 'node a; rm -rf /tmp/x', 'node a && b', 'node a > out', 'ls *.js']) {
      expect(
        onlyProblemAt(
          problemsOfYaml(`backends:\n  a:\n    command: ${JSON.stringify(command)}\n`),
          'backends.a.command',
        ),
      ).toContain('shell operators');
    }
  });

  it('an empty command', () => {
    expect(onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: "   "\n'), 'backends.a.command')).toContain(
      'empty',
    );
  });

  it('headers or transport on a stdio backend, env or cwd on an http backend', () => {
    expect(
      onlyProblemAt(
        problemsOfYaml('backends:\n  a:\n    command: node\n    headers:\n      A: b\n'),
        'backends.a.headers',
      ),
    ).toContain('only to http_url');
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n    command: node\n    transport: sse\n'), 'backends.a.transport');
    expect(
      onlyProblemAt(
        problemsOfYaml('backends:\n  a:\n    http_url: http://127.0.0.1:1/\n    env:\n      A: b\n'),
        'backends.a.env',
      ),
    ).toContain('only to command');
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n    http_url: http://127.0.0.1:1/\n    cwd: x\n'), 'backends.a.cwd');
  });

  it('env value not a string', () => {
    expect(
      onlyProblemAt(
        problemsOfYaml('backends:\n  a:\n    command: node\n    env:\n      PORT: 8080\n'),
        'backends.a.env.PORT',
      ),
    ).toContain('must be a string');
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    http_url: http://127.0.0.1:1/\n    headers:\n      X-Retries: 3\n'),
      'backends.a.headers.X-Retries',
    );
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    http_url: http://127.0.0.1:1/\n    headers: [a]\n'),
      'backends.a.headers',
    );
  });

  it('bad http_url and transport', () => {
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n    http_url: ftp://host/x\n'), 'backends.a.http_url');
    expect(
      onlyProblemAt(
        problemsOfYaml('backends:\n  a:\n    http_url: http://127.0.0.1:1/mcp\n    transport: websocket\n'),
        'backends.a.transport',
      ),
    ).toContain('websocket');
  });

  it('server.trust_proxy takes addresses and CIDR ranges and names the first bad entry', () => {
    expect(load('server:\n  trust_proxy: [10.0.0.0/8, "::1", "fd00::/8", 192.168.1.4]\n').server.trust_proxy).toEqual([
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      '192.168.1.4',
    ]);
    expect(
      onlyProblemAt(problemsOfYaml('server:\n  trust_proxy: [10.0.0.1, 10.0.0.0/33]\n'), 'server.trust_proxy'),
    ).toContain('10.0.0.0/33');
    onlyProblemAt(problemsOfYaml('server:\n  trust_proxy: ingress.local\n'), 'server.trust_proxy');
  });

  it('a custom transport: options allowed without command or http_url, stdio keys refused', () => {
    const config = load('backends:\n  a:\n    transport: in_process\n    options: { server: x }\n');
    expect(config.backends.a.kind).toBe('in_process');
    expect(config.backends.a.options).toEqual({ server: 'x' });
    onlyProblemAt(problemsOfYaml('backends:\n  a:\n    transport: in_process\n    env: { A: b }\n'), 'backends.a.env');
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    http_url: http://127.0.0.1:1/\n    options: { a: 1 }\n'),
      'backends.a.options',
    );
  });

  it('a plain object goes through the same pipeline as a file', () => {
    expect(loadGatewayConfigFromObject({ server: { port: 4000 } }, { env: {} }).server.port).toBe(4000);
    expect(
      problemsOf(() => loadGatewayConfigFromObject({ server: { port: 'x' }, logging: { level: 'loud' } }, { env: {} })),
    ).toEqual([expect.stringMatching(/^server\.port: /), expect.stringMatching(/^logging\.level: /)]);
  });

  it('bad YAML names the file', () => {
    const file = writeYaml('server:\n  port: [1,\n');
    const problems = problemsOf(() => loadGatewayConfig({ flags: { config: file }, env: {}, cwd: dir }));
    expect(onlyProblemAt(problems, file)).toContain('not valid YAML');
  });

  it('bad YAML says where and shows the line, not a message cut after "column 1:"', () => {
    const file = writeYaml('server:\n  port: 1\n bad: [\n');
    const problem = onlyProblemAt(
      problemsOf(() => loadGatewayConfig({ flags: { config: file }, env: {}, cwd: dir })),
      file,
    );
    const [first, ...excerpt] = problem.split('\n');
    expect(first).toContain('All mapping items must start at the same column at line 3, column 1:');
    expect(excerpt).toEqual(['      port: 1', '     bad: [', '    ^']);
  });

  it('duplicate keys are refused as bad YAML', () => {
    const file = writeYaml('server:\n  port: 1\n  port: 2\n');
    const problems = problemsOf(() => loadGatewayConfig({ flags: { config: file }, env: {}, cwd: dir }));
    expect(onlyProblemAt(problems, file)).toContain('not valid YAML');
  });

  it('top level not a mapping', () => {
    for (const yaml of ['- a\n- b\n', 'just a string\n', '42\n']) {
      const file = writeYaml(yaml);
      const problems = problemsOf(() => loadGatewayConfig({ flags: { config: file }, env: {}, cwd: dir }));
      expect(onlyProblemAt(problems, file)).toContain('top level must be a mapping');
    }
  });

  it('missing config file, chosen by --config or MCP_GATEWAY_CONFIG', () => {
    const missing = join(dir, 'does-not-exist.yaml');
    expect(problemsOf(() => loadGatewayConfig({ flags: { config: missing }, env: {}, cwd: dir }))).toEqual([
      `config file not found: ${missing}`,
    ]);
    expect(
      problemsOf(() => loadGatewayConfig({ env: { MCP_GATEWAY_CONFIG: 'does-not-exist.yaml' }, cwd: dir })),
    ).toEqual([`config file not found: ${missing}`]);
  });

  it('unknown CLI flag', () => {
    const problems = problemsOf(() => parseCliFlags(['--prot', '1']));
    expect(problems[0]).toMatch(/^command line: .*--prot/);
    expect(problems[1]).toContain('Usage: mcp-gateway');
    expect(problemsOf(() => parseCliFlags(['stray-positional']))[0]).toMatch(/^command line: /);
  });

  it('bad MCP_GATEWAY_PORT names the key and the variable', () => {
    const line = onlyProblemAt(problemsOfYaml('', { MCP_GATEWAY_PORT: 'abc' }), 'server.port');
    expect(line).toContain('"abc"');
    expect(line).toContain('(from MCP_GATEWAY_PORT)');
    expect(onlyProblemAt(problemsOfYaml('', { MCP_GATEWAY_PORT: '99999' }), 'server.port')).toContain(
      '(from MCP_GATEWAY_PORT)',
    );
  });

  it('bad --port and MCP_GATEWAY_LOG_FORMAT name their origin', () => {
    expect(onlyProblemAt(problemsOfYaml('', {}, { port: '65536' }), 'server.port')).toContain('(from --port)');
    expect(onlyProblemAt(problemsOfYaml('', { MCP_GATEWAY_LOG_FORMAT: 'xml' }), 'logging.format')).toContain(
      '(from MCP_GATEWAY_LOG_FORMAT)',
    );
  });

  it('a value from the file carries no origin', () => {
    expect(onlyProblemAt(problemsOfYaml('server:\n  port: 70000\n'), 'server.port')).not.toContain('(from');
  });

  it('reports an unset variable once, not also as the invalid value it left behind', () => {
    const line = onlyProblemAt(problemsOfYaml('server:\n  port: ${UNSET_PORT_VAR}\n'), 'server.port');
    expect(line).toContain('UNSET_PORT_VAR');
  });
});

describe('all problems at once', () => {
  it('reports every bad key, one line each, in one ConfigError', () => {
    const problems = problemsOfYaml(
      [
        'server:',
        '  prot: 1',
        '  port: 70000',
        '  request_timeout: forever',
        'logging:',
        '  level: loud',
        'failsafe:',
        '  retry:',
        '    max_attempts: 20',
        'backends:',
        '  both:',
        '    command: node',
        '    http_url: http://127.0.0.1:1/mcp',
        '  "bad name":',
        '    command: node',
        '  piped:',
        '    command: node a | b',
        '  secret:',
        '    command: node',
        '    env:',
        '      KEY: ${UNSET_SECRET_VAR}',
        '  fine:',
        '    command: node',
      ].join('\n'),
    );
    const paths = problems.map((line) => line.split(': ')[0]);
    expect(paths.sort()).toEqual(
      [
        'server.prot',
        'server.port',
        'server.request_timeout',
        'logging.level',
        'failsafe.retry.max_attempts',
        'backends.both',
        'backends.bad name',
        'backends.piped.command',
        'backends.secret.env.KEY',
      ].sort(),
    );
  });

  it('lists every problem in the error message too, one per line', () => {
    let message = '';
    try {
      load('server:\n  prot: 1\nlogging:\n  level: loud\n');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'invalid configuration:',
      '  server.prot: unknown key (did you mean "port"?)',
      expect.stringMatching(/^ {2}logging\.level: must be one of/),
    ]);
  });
});

describe('typed values from ${VAR}', () => {
  it('gives a substituted port, count or switch the type of its key', () => {
    const config = load(
      [
        'server:',
        '  port: ${P:-8080}',
        'meta_mcp:',
        '  enabled: ${META}',
        'failsafe:',
        '  retry:',
        '    max_attempts: ${N}',
      ].join('\n'),
      { META: 'false', N: '5' },
    );
    expect(config.server.port).toBe(8080);
    expect(config.meta_mcp.enabled).toBe(false);
    expect(config.failsafe.retry.max_attempts).toBe(5);
  });

  it('keeps env values strings, and still refuses what is not a number', () => {
    const config = load(['backends:', '  a:', '    command: srv', '    env: { PORT: "${P:-9000}" }'].join('\n'));
    expect(config.backends.a.env.PORT).toBe('9000');
    const line = onlyProblemAt(problemsOfYaml('server:\n  port: ${P:-eighty}'), 'server.port');
    expect(line).toContain('must be an integer');
  });

  it('names the integer rule for a non-numeric MCP_GATEWAY_PORT', () => {
    const line = onlyProblemAt(problemsOfYaml('{}', { MCP_GATEWAY_PORT: 'abc' }), 'server.port');
    expect(line).toMatch(/must be an integer.*\(from MCP_GATEWAY_PORT\)/);
  });
});

describe('dollar signs in commands', () => {
  it('keeps $NAME and an escaped $${NAME} literal: no shell ever expands them', () => {
    const config = load(['backends:', '  a:', "    command: echo $${HOME} $USER '$x'"].join('\n'), { HOME: '/root' });
    expect(config.backends.a.argv).toEqual(['echo', '${HOME}', '$USER', '$x']);
  });
});

describe('backend process and connection keys (issue 12)', () => {
  it('defaults: minimal env, 8 client connections idle 5m at most, 16mb messages', () => {
    const backend = load('backends:\n  local:\n    command: node server.js\n').backends.local;
    expect(backend.inherit_env).toBe(false);
    expect(backend.max_client_connections).toBe(8);
    expect(backend.client_connection_idle).toBe(300_000);
    expect(backend.max_message_size).toBe(16 * 1024 ** 2);
  });

  it('reads inherit_env as true or a list of names, and sizes and durations', () => {
    const yaml =
      'backends:\n  a:\n    command: node\n    inherit_env: [GITHUB_TOKEN, AWS_PROFILE]\n    max_message_size: 64mb\n' +
      '    max_client_connections: 2\n    client_connection_idle: 30s\n  b:\n    command: node\n    inherit_env: true\n';
    const { a, b } = load(yaml).backends;
    expect(a.inherit_env).toEqual(['GITHUB_TOKEN', 'AWS_PROFILE']);
    expect(a.max_message_size).toBe(64 * 1024 ** 2);
    expect(a.max_client_connections).toBe(2);
    expect(a.client_connection_idle).toBe(30_000);
    expect(b.inherit_env).toBe(true);
  });

  it('names a bad inherit_env entry, a bad size, a negative cap, and stdio-only keys on an http backend', () => {
    expect(
      onlyProblemAt(
        problemsOfYaml('backends:\n  a:\n    command: node\n    inherit_env: [GOOD, "BAD NAME"]\n'),
        'backends.a.inherit_env',
      ),
    ).toContain('"BAD NAME"');
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    command: node\n    inherit_env: yes please\n'),
      'backends.a.inherit_env',
    );
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    command: node\n    max_message_size: huge\n'),
      'backends.a.max_message_size',
    );
    onlyProblemAt(
      problemsOfYaml('backends:\n  a:\n    command: node\n    max_client_connections: -1\n'),
      'backends.a.max_client_connections',
    );
    for (const key of ['inherit_env: true', 'max_message_size: 1mb']) {
      expect(
        onlyProblemAt(
          problemsOfYaml(`backends:\n  a:\n    http_url: http://127.0.0.1:1/\n    ${key}\n`),
          `backends.a.${key.split(':')[0]}`,
        ),
      ).toContain('only to command');
    }
  });
});
