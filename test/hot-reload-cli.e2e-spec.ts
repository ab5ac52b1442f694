// SIGHUP to the built CLI (`node bin/mcp-gateway.js`): the config file is read again and a backend it adds starts,
// with its credentials masked in the log like those of the backends configured at startup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { stringify } from 'yaml';
import type { GatewayHealth } from '@gateway/health';
import {
  cleanEnv,
  ensureGatewayBuilt,
  spawnGateway,
  stopGatewayProcess,
  type GatewayProcess,
} from './helpers/built-gateway.js';
import { freePort, waitFor } from './helpers/processes.js';

jest.setTimeout(90_000);

const TOKEN = 'tok-r3load-5ecret-4b3a';

describe('SIGHUP', () => {
  let dir: string;
  let file: string;
  let port: number;
  let gateway: GatewayProcess;

  const write = (backends: Record<string, unknown>) =>
    writeFileSync(file, stringify({ server: { port }, logging: { level: 'info', format: 'json' }, backends }));

  beforeAll(async () => {
    await ensureGatewayBuilt();
    dir = mkdtempSync(join(tmpdir(), 'gateway-reload-'));
    file = join(dir, 'gateway.yaml');
    port = await freePort();
    write({});
    gateway = spawnGateway(['--config', file], { env: cleanEnv() });
    await waitFor(() => gateway.stdoutLines.some((line) => line.includes('listening on')), {
      timeoutMs: 30_000,
      description: 'the gateway to listen',
    });
  });

  afterAll(async () => {
    if (gateway) await stopGatewayProcess(gateway);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a backend the file now names, and masks its credentials in the log', async () => {
    write({
      chatty: {
        command: process.execPath,
        args: ['-e', 'console.error("connecting with token " + process.env.API_TOKEN); setInterval(() => {}, 1e9)'],
        env: { API_TOKEN: TOKEN },
      },
    });
    gateway.child.kill('SIGHUP');
    await waitFor(() => gateway.stdoutLines.some((line) => line.includes('config reloaded: added chatty')), {
      timeoutMs: 15_000,
      description: 'the reload log line',
    });
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as GatewayHealth;
    expect(Object.keys(health.backends ?? {})).toEqual(['chatty']);
    await waitFor(() => gateway.stdoutLines.some((line) => line.includes('connecting with token')), {
      timeoutMs: 15_000,
      description: "the new backend's stderr line",
    });
    expect(gateway.stdoutLines.find((line) => line.includes('connecting with token'))).toContain(
      'connecting with token ***',
    );
    expect(gateway.stdoutLines.join('\n')).not.toContain(TOKEN);
    expect(gateway.child.exitCode).toBeNull();
  });
});
