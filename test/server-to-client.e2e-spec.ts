// Issue 4: what a backend sends toward clients reaches the right client, and only what a client declared is offered.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type ClientCapabilities,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { everythingStdioCommand, startEverything, type RunningEverything } from './helpers/everything-server.js';
import { faultStdioCommand } from './helpers/fault.js';
import { connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

const CALLBACKS: ClientCapabilities = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };

describe.each(['stdio', 'streamable_http'] as const)(
  'server-to-client traffic, server-everything over %s',
  (transport) => {
    let gateway: TestGateway;
    let everythingHttp: RunningEverything | undefined;
    const clients: Client[] = [];

    /** A client that answers sampling, elicitation and roots requests as `who`, counting each. */
    const person = async (path: string, who: string, capabilities: ClientCapabilities = CALLBACKS) => {
      const client = await connectClient(`${gateway.baseUrl}${path}`, capabilities);
      clients.push(client);
      const asked = { sampling: 0, elicitation: 0, roots: 0 };
      if (capabilities.sampling) {
        client.setRequestHandler(CreateMessageRequestSchema, async () => {
          asked.sampling++;
          return { role: 'assistant', model: `model-of-${who}`, content: { type: 'text', text: `${who} says hi` } };
        });
      }
      if (capabilities.elicitation) {
        client.setRequestHandler(ElicitRequestSchema, async () => {
          asked.elicitation++;
          return { action: 'accept', content: { name: who, color: 'green' } };
        });
      }
      if (capabilities.roots) {
        client.setRequestHandler(ListRootsRequestSchema, async () => {
          asked.roots++;
          return { roots: [{ uri: `file:///home/${who}`, name: `${who}-home` }] };
        });
      }
      return { client, asked };
    };

    const allText = (result: unknown) => JSON.stringify((result as { content: unknown }).content);

    beforeAll(async () => {
      if (transport === 'streamable_http') everythingHttp = await startEverything('streamableHttp');
      gateway = await startTestGateway(
        {
          backends: {
            everything: everythingHttp
              ? { http_url: everythingHttp.url, transport: 'streamable_http' }
              : stdioBackend(everythingStdioCommand()),
            fault: stdioBackend(faultStdioCommand()),
          },
        },
        { ready: ['everything', 'fault'] },
      );
    });

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await gateway?.close();
      await everythingHttp?.stop();
    });

    it('two clients sampling through the same backend at once each get their own request, never the other', async () => {
      const alice = await person('/mcp/everything', 'alice');
      const bob = await person('/mcp/everything', 'bob');
      const call = (who: typeof alice, prompt: string) =>
        who.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt, maxTokens: 10 } });
      const [forAlice, forBob] = await Promise.all([call(alice, 'for alice'), call(bob, 'for bob')]);
      expect(allText(forAlice)).toContain('model-of-alice');
      expect(allText(forAlice)).not.toContain('bob');
      expect(allText(forBob)).toContain('model-of-bob');
      expect(allText(forBob)).not.toContain('alice');
      expect(alice.asked.sampling).toBe(1);
      expect(bob.asked.sampling).toBe(1);
    });

    it('elicitation and roots requests reach the calling client through gateway_invoke on /mcp', async () => {
      const carol = await person('/mcp', 'carol');
      const invoke = (tool: string) =>
        carol.client.callTool({ name: 'gateway_invoke', arguments: { server: 'everything', tool, arguments: {} } });
      const elicited = await invoke('trigger-elicitation-request');
      expect(allText(elicited)).toContain('carol');
      expect(carol.asked.elicitation).toBe(1);
      const roots = await invoke('get-roots-list');
      expect(allText(roots)).toContain('file:///home/carol');
      // server-everything asks for roots once at initialization and again from get-roots-list when its first
      // request has not been answered yet, so carol may be asked twice; each time it is carol who is asked.
      expect(carol.asked.roots).toBeGreaterThanOrEqual(1);
    });

    it('advertises to the backend only the client capabilities the client declared', async () => {
      const toolsOf = async (capabilities: ClientCapabilities) => {
        const { client } = await person('/mcp/everything', 'probe', capabilities);
        return (await client.listTools()).tools.map((tool) => tool.name);
      };
      const samplingOnly = await toolsOf({ sampling: {} });
      expect(samplingOnly).toContain('trigger-sampling-request');
      expect(samplingOnly).not.toContain('trigger-elicitation-request');
      expect(samplingOnly).not.toContain('get-roots-list');
      const none = await toolsOf({});
      expect(none).toContain('echo');
      expect(none).not.toContain('trigger-sampling-request');
      expect(none).not.toContain('get-roots-list');
    });

    it("honours each client's logging level on a shared backend connection", async () => {
      const quiet = await person('/mcp/fault', 'quiet', {});
      const chatty = await person('/mcp/fault', 'chatty', {});
      const heard = { quiet: [] as LoggingMessageNotification[], chatty: [] as LoggingMessageNotification[] };
      quiet.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void heard.quiet.push(n));
      chatty.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void heard.chatty.push(n));
      await quiet.client.setLoggingLevel('error');
      await chatty.client.setLoggingLevel('debug');

      const result = await chatty.client.callTool({ name: 'flood', arguments: { count: 20 } });
      expect(firstText(result)).toBe('flooded 20');
      await waitFor(() => heard.chatty.length === 20, { timeoutMs: 5000, description: '20 log messages at chatty' });
      expect(heard.chatty.map((n) => n.params.data)).toEqual(Array.from({ length: 20 }, (_, i) => `flood ${i + 1}/20`));
      // The flood is at level info: below what quiet asked for, so none of it reaches quiet.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard.quiet).toEqual([]);
    });

    it('resource updates reach the client that subscribed, and not the one that did not', async () => {
      const subscriber = await person('/mcp/everything', 'subscriber', {});
      const bystander = await person('/mcp/everything', 'bystander', {});
      const updates = { subscriber: [] as string[], bystander: [] as string[] };
      subscriber.client.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => void updates.subscriber.push(n.params.uri),
      );
      bystander.client.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => void updates.bystander.push(n.params.uri),
      );
      const uri = (await subscriber.client.listResources()).resources[0].uri;
      await subscriber.client.subscribeResource({ uri });
      await subscriber.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
      await waitFor(() => updates.subscriber.includes(uri), { timeoutMs: 15_000, description: `an update of ${uri}` });
      // Had the update been broadcast, the bystander would have it by now: both deliveries leave in the same turn.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(updates.bystander).toEqual([]);
      await subscriber.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    });
  },
);
