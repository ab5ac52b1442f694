// Issue 4: resources, templates, prompts and completions of every backend on /mcp in meta mode, equal to what each
// backend gives directly, with cursors that page across backends and URIs routed back to their backend.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, ResourceUpdatedNotificationSchema, type Resource } from '@modelcontextprotocol/sdk/types.js';
import { conformanceStdioCommand } from './helpers/conformance.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

const BACKENDS = ['conformance', 'everything'] as const;

/**
 * server-everything's dynamic resources carry the time they were read (`4:04:01 PM`): two reads a moment apart may
 * straddle a second, so the comparison leaves the clock out and keeps everything else.
 */
function clockless<T>(result: T): T {
  return JSON.parse(JSON.stringify(result).replace(/\b\d{1,2}:\d{2}:\d{2}(\s?[AP]M)?/g, '<time>')) as T;
}

describe('resources, prompts and completions aggregated on /mcp', () => {
  let gateway: TestGateway;
  let meta: Client;
  const direct: Record<string, Client> = {};

  beforeAll(async () => {
    gateway = await startTestGateway(
      {
        backends: {
          everything: stdioBackend(everythingStdioCommand()),
          conformance: stdioBackend(conformanceStdioCommand()),
        },
      },
      { ready: [...BACKENDS] },
    );
    meta = await connectClient(`${gateway.baseUrl}/mcp`);
    for (const name of BACKENDS) direct[name] = await connectClient(`${gateway.baseUrl}/mcp/${name}`);
  });

  afterAll(async () => {
    await Promise.all([meta, ...Object.values(direct)].map((client) => client?.close().catch(() => undefined)));
    await gateway?.close();
  });

  const allResources = async (client: Client): Promise<{ resources: Resource[]; pages: number }> => {
    const resources: Resource[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listResources(cursor ? { cursor } : {});
      resources.push(...page.resources);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { resources, pages };
  };

  it('declares resources (with subscribe), prompts and completions', () => {
    expect(meta.getServerCapabilities()).toMatchObject({
      resources: { subscribe: true },
      prompts: {},
      completions: {},
    });
  });

  it('lists every backend resource once, and a client reading only the first page sees every backend', async () => {
    const expected = [
      ...(await allResources(direct.conformance)).resources,
      ...(await allResources(direct.everything)).resources,
    ];
    expect((await allResources(meta)).resources).toEqual(expected);
    const firstPage = (await meta.listResources()).resources.map((resource) => resource.uri);
    expect(firstPage).toEqual(expect.arrayContaining(expected.map((resource) => resource.uri)));
  });

  it('reads each resource from the backend that listed it, and a templated URI from the backend whose template matches', async () => {
    for (const name of BACKENDS) {
      const [first] = (await direct[name].listResources()).resources;
      expect(clockless(await meta.readResource({ uri: first.uri }))).toEqual(
        clockless(await direct[name].readResource({ uri: first.uri })),
      );
    }
    const templates = (await meta.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate);
    expect(templates).toContain('demo://resource/dynamic/text/{resourceId}');
    const uri = 'demo://resource/dynamic/text/7';
    expect(clockless(await meta.readResource({ uri }))).toEqual(
      clockless(await direct.everything.readResource({ uri })),
    );
  });

  it('names prompts {backend}__{prompt} and gets them from their backend', async () => {
    const names = (await meta.listPrompts()).prompts.map((prompt) => prompt.name);
    for (const name of BACKENDS) {
      for (const prompt of (await direct[name].listPrompts()).prompts)
        expect(names).toContain(`${name}__${prompt.name}`);
    }
    expect(await meta.getPrompt({ name: 'everything__simple-prompt' })).toEqual(
      await direct.everything.getPrompt({ name: 'simple-prompt' }),
    );
  });

  it('routes completions for a prompt argument to its backend', async () => {
    const argument = { name: 'department', value: 'En' };
    expect(
      await meta.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument }),
    ).toEqual(await direct.everything.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument }));
  });

  it('answers an unknown prompt or resource with a JSON-RPC error', async () => {
    await expect(meta.getPrompt({ name: 'nobody__nothing' })).rejects.toMatchObject({ code: -32602 });
    const unknown = meta.readResource({ uri: 'nowhere://at/all' });
    await expect(unknown).rejects.toBeInstanceOf(McpError);
    await expect(unknown).rejects.toMatchObject({ code: -32002 });
  });

  it('delivers updates of a resource subscribed through /mcp', async () => {
    const updates: string[] = [];
    meta.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    const [resource] = (await direct.everything.listResources()).resources;
    await meta.subscribeResource({ uri: resource.uri });
    const toggle = () =>
      meta.callTool({ name: 'gateway_invoke', arguments: { server: 'everything', tool: 'toggle-subscriber-updates' } });
    await toggle();
    await waitFor(() => updates.includes(resource.uri), {
      timeoutMs: 15_000,
      description: `an update of ${resource.uri}`,
    });
    await toggle();
  });
});
