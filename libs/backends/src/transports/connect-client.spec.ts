import { describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import type { BackendConfig } from '@gateway/config';
import { ProcessSpawner } from './process-spawner.js';
import { StdioConnector } from './stdio.connector.js';

// A server that answers tools/call with its last progress notification and the response in ONE stdout write, the
// way a busy server's output reaches the gateway in a single chunk.
const SERVER = `
const rl = require('node:readline').createInterface({ input: process.stdin });
const send = (m) => JSON.stringify({ jsonrpc: '2.0', ...m }) + '\\n';
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.method === 'initialize') {
    process.stdout.write(send({ id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'chunky', version: '1' } } }));
  } else if (m.method === 'tools/call') {
    const token = m.params._meta.progressToken;
    process.stdout.write(
      send({ method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } }) +
      send({ method: 'notifications/progress', params: { progressToken: token, progress: 2, total: 2 } }) +
      send({ id: m.id, result: { content: [{ type: 'text', text: 'done' }] } }),
    );
  }
});`;

describe('connectClient', () => {
  it('delivers progress that arrives in the same chunk as the response before the response', async () => {
    const config = {
      argv: [process.execPath, '-e', SERVER],
      env: {},
      max_message_size: 1024 ** 2,
    } as unknown as BackendConfig;
    const { client } = await new StdioConnector(new ProcessSpawner()).connect({
      name: 'chunky',
      config,
      timeoutMs: 10_000,
      createClient: () => new Client({ name: 'test', version: '1' }),
      onStderrLine: () => undefined,
    });
    try {
      for (let round = 0; round < 20; round++) {
        const updates: Progress[] = [];
        const result = await client.request(
          { method: 'tools/call', params: { name: 'x', arguments: {} } },
          CallToolResultSchema,
          { onprogress: (progress) => updates.push(progress) },
        );
        expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
        expect(updates.map((update) => update.progress)).toEqual([1, 2]);
      }
    } finally {
      await client.close();
    }
  });
});
