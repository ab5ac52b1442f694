import { afterEach, describe, expect, it } from '@jest/globals';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ProcessSpawner } from './process-spawner.js';
import { ProcessGroupStdioTransport } from './stdio.transport.js';
import { waitFor } from '../../../../test/helpers/processes.js';

/**
 * A child that echoes every stdin line back as one JSON-RPC notification, and first writes a message whose multi-byte
 * characters are split across two writes 50 ms apart, then a line that is not JSON.
 */
const CHILD = `
const text = JSON.stringify({ jsonrpc: '2.0', method: 'split', params: { text: 'héllo ✓ 😀 漢字' } }) + '\\n';
const bytes = Buffer.from(text);
const cut = bytes.indexOf(Buffer.from('😀')) + 2;
process.stdout.write(bytes.subarray(0, cut));
setTimeout(() => {
  process.stdout.write(bytes.subarray(cut));
  process.stdout.write('not json\\n');
  let tail = '';
  process.stdin.on('data', (chunk) => {
    const lines = (tail + chunk).split('\\n');
    tail = lines.pop();
    process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'batch', params: { lines: lines.length } }) + '\\n');
  });
}, 50);
`;

let transport: ProcessGroupStdioTransport | undefined;

afterEach(async () => {
  await transport?.close();
});

function start(): { messages: JSONRPCMessage[]; errors: Error[] } {
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  transport = new ProcessGroupStdioTransport({
    name: 'child',
    maxMessageBytes: 16 * 1024 ** 2,
    spawner: new ProcessSpawner(),
    onStderrLine: () => undefined,
    request: { command: process.execPath, args: ['-e', CHILD], env: process.env },
  });
  transport.onmessage = (message) => messages.push(message);
  transport.onerror = (error) => errors.push(error);
  return { messages, errors };
}

describe('ProcessGroupStdioTransport', () => {
  it('keeps a character split across two reads whole, and skips a line that is not JSON-RPC with an error', async () => {
    const { messages, errors } = start();
    await transport!.start();
    await waitFor(() => errors.length === 1, { intervalMs: 10 });
    expect(messages[0]).toEqual({ jsonrpc: '2.0', method: 'split', params: { text: 'héllo ✓ 😀 漢字' } });
    expect(errors[0].message).toContain('not JSON: not json');
  });

  it('writes the messages sent in one turn of the event loop together, each on its own line, in order', async () => {
    const { messages } = start();
    await transport!.start();
    await waitFor(() => messages.length === 1, { intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stdin = (transport as unknown as { child: { stdin: { write: (chunk: string) => boolean } } }).child.stdin;
    const write = stdin.write.bind(stdin);
    const writes: string[] = [];
    stdin.write = (chunk: string) => {
      writes.push(chunk);
      return write(chunk);
    };
    const sent = Array.from({ length: 5 }, (_, i) => transport!.send({ jsonrpc: '2.0', id: i, method: 'ping' }));
    await Promise.all(sent);
    expect(writes).toEqual([[0, 1, 2, 3, 4].map((id) => `{"jsonrpc":"2.0","id":${id},"method":"ping"}\n`).join('')]);
    await waitFor(() => messages.length === 2, { intervalMs: 10 });
    expect(messages[1]).toEqual({ jsonrpc: '2.0', method: 'batch', params: { lines: 5 } });
  });

  it('rejects a send once the process is gone, so the request fails at once instead of waiting', async () => {
    start();
    await transport!.start();
    await transport!.close();
    await expect(transport!.send({ jsonrpc: '2.0', id: 1, method: 'ping' })).rejects.toThrow(
      'backend process is not running',
    );
  });
});
