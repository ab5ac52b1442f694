// Issue 4: task-augmented tools/call and tasks/get|result|list|cancel pass through /mcp/{backend} (MCP 2025-11-25).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

describe('tasks through /mcp/{backend}', () => {
  let gateway: TestGateway;
  let client: Client;

  beforeAll(async () => {
    gateway = await startTestGateway(
      { backends: { everything: stdioBackend(everythingStdioCommand()) } },
      { ready: ['everything'] },
    );
    client = await connectClient(`${gateway.baseUrl}/mcp/everything`, {
      tasks: { requests: {} },
    });
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await gateway?.close();
  });

  const startResearch = (topic: string) =>
    client.request(
      {
        method: 'tools/call',
        params: { name: 'simulate-research-query', arguments: { topic }, task: { ttl: 60_000 } },
      },
      CreateTaskResultSchema,
    );

  it("declares the backend's task capabilities", () => {
    expect(client.getServerCapabilities()?.tasks).toMatchObject({
      list: {},
      cancel: {},
      requests: { tools: { call: {} } },
    });
  });

  it('creates a task, reports its status until completed, lists it and returns its result', async () => {
    const created = await startResearch('gateways');
    const taskId = created.task.taskId;
    expect(created.task.status).toBe('working');
    const seen = new Set<string>();
    const done = await waitFor(
      async () => {
        const task = await client.experimental.tasks.getTask(taskId);
        seen.add(task.statusMessage ?? '');
        return task.status === 'completed' ? task : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 300, description: 'the research task to complete' },
    );
    expect(done.taskId).toBe(taskId);
    expect(seen.size).toBeGreaterThan(1);
    const listed = await client.experimental.tasks.listTasks();
    expect(listed.tasks.map((task) => task.taskId)).toContain(taskId);
    const result = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(text).toContain('Research Report: gateways');
  });

  it('cancels a running task at the backend', async () => {
    const created = await startResearch('to be cancelled');
    const cancelled = await client.experimental.tasks.cancelTask(created.task.taskId);
    expect(cancelled.status).toBe('cancelled');
    expect((await client.experimental.tasks.getTask(created.task.taskId)).status).toBe('cancelled');
  });
});
