// The built CLI refuses a bad config with exit code 2 and the key paths on stderr, before anything listens.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { stringify } from 'yaml';
import { cleanEnv, ensureGatewayBuilt, runCli } from './helpers/built-gateway.js';
import { fromRoot, freePort } from './helpers/processes.js';

jest.setTimeout(30_000);

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'config-exit-'));
  await ensureGatewayBuilt();
}, 200_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

describe('bad config: exit code 2, key paths on stderr, nothing listens', () => {
  it('an unknown key', async () => {
    const port = await freePort();
    const file = writeConfig('typo.yaml', `server:\n  port: ${port}\n  hots: 127.0.0.1\n`);
    const run = await runCli(['--config', file], { cwd: dir, watchPort: port });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toEqual([
      'mcp-gateway: invalid configuration',
      '  server.hots: unknown key (did you mean "host"?)',
    ]);
    expect(run.listened).toBe(false);
  });

  it('several problems at once, in backends and from the environment', async () => {
    const port = await freePort();
    const file = writeConfig(
      'backends.yaml',
      [
        'server:',
        `  port: ${port}`,
        'backends:',
        '  both:',
        '    command: node server.js',
        '    http_url: http://127.0.0.1:1/mcp',
        '  secret:',
        '    command: node server.js',
        '    env:',
        '      API_KEY: ${CONFIG_EXIT_UNSET_VAR}',
      ].join('\n'),
    );
    const run = await runCli(['--config', file], {
      cwd: dir,
      env: cleanEnv({ MCP_GATEWAY_LOG_LEVEL: 'chatty' }),
      watchPort: port,
    });
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe('mcp-gateway: invalid configuration');
    expect(
      lines
        .slice(1)
        .map((line) => line.trim().split(': ')[0])
        .sort(),
    ).toEqual(['backends.both', 'backends.secret.env.API_KEY', 'logging.level']);
    expect(run.stderr).toContain('(from MCP_GATEWAY_LOG_LEVEL)');
    expect(run.stderr).toContain('CONFIG_EXIT_UNSET_VAR');
    expect(run.listened).toBe(false);
  });

  it('a port out of range from --port', async () => {
    const port = await freePort();
    const file = writeConfig('port.yaml', `server:\n  port: ${port}\n  request_timeout: 30 seconds\n`);
    const run = await runCli(['--config', file, '--port', '70000'], { cwd: dir, watchPort: port });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ {2}server\.port: .*70000.*\(from --port\)$/m);
    expect(run.stderr).toMatch(/^ {2}server\.request_timeout: must be a duration/m);
    expect(run.listened).toBe(false);
  });

  it('a gateway bound off loopback without client authentication (issue 13)', async () => {
    const port = await freePort();
    const file = writeConfig('open.yaml', `server:\n  port: ${port}\nauth:\n  roles:\n    r: { alow: ["*"] }\n`);
    const typo = await runCli(['--config', file], { cwd: dir, watchPort: port });
    expect([typo.code, typo.stderr]).toEqual([
      2,
      'mcp-gateway: invalid configuration\n  auth.roles.r.alow: unknown key (did you mean "allow"?)',
    ]);
    const open = writeConfig('open2.yaml', `server:\n  port: ${port}\n`);
    const run = await runCli(['--config', open, '--host', '0.0.0.0'], { cwd: dir, watchPort: port });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '  server.host: 0.0.0.0 is reachable from other machines but no client authentication is configured',
    );
    expect(run.listened).toBe(false);
  });

  it('a missing config file from MCP_GATEWAY_CONFIG', async () => {
    const run = await runCli([], { cwd: dir, env: cleanEnv({ MCP_GATEWAY_CONFIG: 'nowhere.yaml' }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`config file not found: ${join(dir, 'nowhere.yaml')}`);
  });

  it('an unknown flag, with the usage', async () => {
    const run = await runCli(['--bogus'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("command line: Unknown option '--bogus'");
    expect(run.stderr).toContain('Usage: mcp-gateway');
    expect(run.stdout).toBe('');
  });
});

describe('a port already in use', () => {
  it('exits 1 with one line naming the address, before starting any backend', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    // A backend that leaves a mark the moment it starts.
    const marker = join(dir, 'backend-started');
    const file = writeConfig(
      'taken.yaml',
      stringify({
        server: { host: '127.0.0.1', port },
        backends: {
          marker: {
            command: process.execPath,
            args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); setInterval(() => {}, 1e9)`],
          },
        },
      }),
    );
    try {
      const run = await runCli(['--config', file], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stderr.split('\n')).toEqual([
        `mcp-gateway: cannot listen on 127.0.0.1:${port}: the address is already in use ` +
          '(another mcp-gateway or another program holds it); stop that or choose another port (--port, server.port)',
      ]);
      expect(existsSync(marker)).toBe(false);
    } finally {
      taken.close();
    }
  });
});

describe('--help and --version', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await runCli(['--help'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: mcp-gateway');
    for (const flag of ['--config', '--port', '--host', '--log-level', '--log-format', '--help', '--version']) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stderr).toBe('');
  });

  it("--version prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(version);
    expect((await runCli(['-v'], { cwd: dir })).stdout).toBe(version);
  });
});
