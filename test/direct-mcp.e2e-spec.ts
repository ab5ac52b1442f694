// /mcp/{backend}: an SDK client must not be able to tell the gateway's endpoint from the backend itself.
// Compared against server-everything connected directly over stdio; plus the 404/400 answers of the route.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand } from './helpers/fault.js';
import {
  closeAndReap,
  connectClient,
  initializeMessage,
  postJsonRpc,
  startTestGateway,
  type TestGateway,
} from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { isAlive } from './helpers/processes.js';

jest.setTimeout(30_000);

let gateway: TestGateway;
let viaGateway: Client;
let direct: Client;
let directPid: number | undefined;
const gatewayPids: number[] = [];

beforeAll(async () => {
  const directTransport = new StdioClientTransport({ ...everythingStdioCommand(), stderr: 'ignore' });
  direct = new Client({ name: 'direct', version: '1.0.0' }, { capabilities: {} });
  [gateway] = await Promise.all([
    startTestGateway(
      {
        server: { request_timeout: '10s' },
        backends: {
          everything: stdioBackend(everythingStdioCommand()),
          off: stdioBackend(faultStdioCommand(), { enabled: false }),
        },
      },
      { ready: ['everything'] },
    ),
    direct.connect(directTransport),
  ]);
  directPid = directTransport.pid ?? undefined;
  gatewayPids.push(...gateway.backendPids());
  viaGateway = await connectClient(`${gateway.baseUrl}/mcp/everything`);
});

afterAll(async () => {
  await viaGateway?.close();
  await direct?.close();
  const survivors = gateway ? await closeAndReap(gateway) : [];
  expect(survivors).toEqual([]);
  expect(gatewayPids.filter(isAlive)).toEqual([]);
  if (directPid) expect(isAlive(directPid)).toBe(false);
});

describe('/mcp/everything is server-everything as the client sees it', () => {
  it('initialize: server info, capabilities and instructions', () => {
    expect(viaGateway.getServerVersion()).toEqual(direct.getServerVersion());
    expect(viaGateway.getServerCapabilities()).toEqual(direct.getServerCapabilities());
    expect(viaGateway.getInstructions()).toBeTruthy();
    expect(viaGateway.getInstructions()).toEqual(direct.getInstructions());
  });

  it('lists tools, prompts, resources and resource templates alike', async () => {
    const [tools, prompts, resources, templates] = await Promise.all([
      viaGateway.listTools(),
      viaGateway.listPrompts(),
      viaGateway.listResources(),
      viaGateway.listResourceTemplates(),
    ]);
    expect(tools.tools.map((tool) => tool.name)).toContain('echo');
    expect(tools).toEqual(await direct.listTools());
    expect(prompts).toEqual(await direct.listPrompts());
    expect(resources.resources.length).toBeGreaterThan(0);
    expect(resources).toEqual(await direct.listResources());
    expect(templates.resourceTemplates.length).toBeGreaterThan(0);
    expect(templates).toEqual(await direct.listResourceTemplates());
  });

  it('reads the first listed resource alike', async () => {
    const [first] = (await viaGateway.listResources()).resources;
    const read = await viaGateway.readResource({ uri: first.uri });
    expect(read.contents[0]).toMatchObject({ uri: first.uri });
    expect(read).toEqual(await direct.readResource({ uri: first.uri }));
  });

  it('gets prompts alike, with and without arguments', async () => {
    const simple = await viaGateway.getPrompt({ name: 'simple-prompt' });
    expect(simple.messages.length).toBeGreaterThan(0);
    expect(simple).toEqual(await direct.getPrompt({ name: 'simple-prompt' }));
    const withArgs = { name: 'args-prompt', arguments: { city: 'Lisbon', state: 'Lisboa' } };
    expect(await viaGateway.getPrompt(withArgs)).toEqual(await direct.getPrompt(withArgs));
  });

  it('completes a prompt argument and a resource-template argument alike', async () => {
    const promptRef = {
      ref: { type: 'ref/prompt' as const, name: 'completable-prompt' },
      argument: { name: 'department', value: 'E' },
    };
    const prompt = await viaGateway.complete(promptRef);
    expect(prompt.completion.values).toEqual(['Engineering']);
    expect(prompt).toEqual(await direct.complete(promptRef));

    const templateRef = {
      ref: { type: 'ref/resource' as const, uri: 'demo://resource/dynamic/text/{resourceId}' },
      argument: { name: 'resourceId', value: '7' },
    };
    const template = await viaGateway.complete(templateRef);
    expect(template.completion.values).toEqual(['7']);
    expect(template).toEqual(await direct.complete(templateRef));
  });

  it('calls echo alike', async () => {
    const call = { name: 'echo', arguments: { message: 'direct route' } };
    const result = await viaGateway.callTool(call);
    expect(result.isError).toBeFalsy();
    expect(result).toEqual(await direct.callTool(call));
  });
});

describe('what /mcp/{backend} refuses', () => {
  it('an unknown backend: 404 with a JSON-RPC error naming it', async () => {
    const { status, body } = await postJsonRpc(`${gateway.baseUrl}/mcp/nope`, initializeMessage());
    expect(status).toBe(404);
    expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number), message: expect.any(String) } });
    expect(body!.error!.message).toContain('nope');
  });

  it('a disabled backend: 404 too', async () => {
    const { status, body } = await postJsonRpc(`${gateway.baseUrl}/mcp/off`, initializeMessage());
    expect(status).toBe(404);
    expect(body!.error!.message).toContain('off');
  });

  it('a JSON-RPC batch: 400 with a JSON-RPC error', async () => {
    const batch = [initializeMessage(1), { jsonrpc: '2.0', id: 2, method: 'tools/list' }];
    for (const path of ['/mcp/everything', '/mcp']) {
      const { status, body } = await postJsonRpc(`${gateway.baseUrl}${path}`, batch);
      expect(status).toBe(400);
      expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number), message: expect.any(String) } });
    }
  });
});
