// examples/ against the packed package: `npm pack` the built gateway, install the tarball into examples/node_modules,
// type-check and compile the examples with tsc against its declarations, run each and talk to it over HTTP.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ensureGatewayBuilt } from './helpers/built-gateway.js';
import { connectClient } from './helpers/gateway.js';
import { firstText } from './helpers/gateway-config.js';
import { fromRoot, repoRoot, spawnTs, waitForExit, type SpawnedProcess } from './helpers/processes.js';

jest.setTimeout(120_000);

const running: SpawnedProcess[] = [];

async function startExample(name: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const example = await spawnTs(`examples/dist/${name}/main.js`, [], env, {
    waitForListening: true,
    timeoutMs: 30_000,
  });
  running.push(example);
  return `http://127.0.0.1:${example.port}`;
}

beforeAll(async () => {
  await ensureGatewayBuilt();
  const temp = mkdtempSync(join(tmpdir(), 'gateway-pack-'));
  try {
    // --ignore-scripts: dist is built already (npm test builds before jest); prepare would build it again.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp], {
        cwd: repoRoot,
        encoding: 'utf8',
      }),
    ) as Array<{ filename: string }>;
    execFileSync('tar', ['-xzf', join(temp, packed[0].filename), '-C', temp]);
    const scope = fromRoot('examples/node_modules/@mcp-gateway');
    rmSync(join(scope, 'gateway'), { recursive: true, force: true });
    mkdirSync(scope, { recursive: true });
    renameSync(join(temp, 'package'), join(scope, 'gateway'));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  // Type-checks the examples against the package's declarations and compiles them.
  execFileSync(
    process.execPath,
    [fromRoot('node_modules/typescript/bin/tsc'), '-p', fromRoot('examples/tsconfig.json')],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
});

afterAll(async () => {
  await Promise.all(running.map((example) => example.stop()));
});

describe('examples/host-app: host routes and the gateway under the prefix gw, with the host guard', () => {
  let url: string;
  beforeAll(async () => {
    url = await startExample('host-app');
  });

  it('serves an open host route to a browser Origin', async () => {
    const response = await fetch(`${url}/gw/api/hello`, { headers: { origin: 'https://app.example' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: 'from the host app' });
  });

  it("answers invalid JSON on a host route with Nest's 400, and applies the host guard", async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/gw/api/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const invalid = await post('{"text":', { 'x-api-key': 'demo-key' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ statusCode: 400 });
    expect((await post('{"text":"a"}')).status).toBe(401);
    const ok = await post('{"text":"a"}', { 'x-api-key': 'demo-key' });
    expect(await ok.json()).toEqual({ notes: ['a'] });
  });

  it('serves the gateway at /gw/mcp to a client with the host key, and its probe to anyone', async () => {
    const client = new Client({ name: 'example-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/gw/mcp`), {
        requestInit: { headers: { 'x-api-key': 'demo-key' } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('gateway_invoke');
    await client.close();
    expect((await fetch(`${url}/gw/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/gw/mcp`, { method: 'POST' })).status).toBe(401);
  });
});

describe('examples/redacting-interceptor', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connectClient(`${await startExample('redacting-interceptor')}/mcp/crm`);
  });
  afterAll(async () => {
    await client?.close();
  });

  it('redacts e-mail addresses and card numbers from tool results', async () => {
    const result = await client.callTool({ name: 'customer', arguments: {} });
    expect(firstText(result)).toBe('Ann Lee <[email redacted]>, card [card redacted]');
  });

  it('refuses delete_* as a tool error naming the reason', async () => {
    const result = await client.callTool({ name: 'delete_customer', arguments: {} });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toBe('redactor: delete_customer is refused by policy (destructive tools)');
  });
});

describe('examples/custom-transport', () => {
  it('reaches the in-process server that transport: in_process and options name', async () => {
    const client = await connectClient(`${await startExample('custom-transport')}/mcp/clock`);
    const result = await client.callTool({ name: 'epoch', arguments: {} });
    expect(firstText(result)).toBe('1700000000');
    await client.close();
  });

  it('refuses to start on options the connector rejects, naming the key path', async () => {
    const example = spawnTs('examples/dist/custom-transport/main.js', [], { CLOCK_SERVER: 'nope' });
    const spawned = await example;
    const exit = await waitForExit(spawned.child, 30_000);
    expect(exit.code).not.toBe(0);
    expect([...spawned.stderrLines, ...spawned.stdoutLines].join('\n')).toContain(
      'backends.clock.options.server: must name one of: clock',
    );
  });
});
