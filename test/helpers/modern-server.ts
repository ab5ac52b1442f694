// The modern-only (2026-07-28) fixture server of test/fixtures/modern-server.ts, over stdio (a command for a gateway
// config) or Streamable HTTP (a process on 127.0.0.1, ended with stop()).
import { spawnTs, tsCommand, type SpawnedProcess } from './processes.js';

export const modernFixture = 'test/fixtures/modern-server.ts';

/** `{command, args}` running the modern fixture over stdio. */
export function modernStdioCommand(): { command: string; args: string[] } {
  return tsCommand(modernFixture, ['stdio']);
}

export interface RunningModernServer {
  url: string;
  process: SpawnedProcess;
  stop(): Promise<void>;
}

/** The modern fixture over Streamable HTTP on a loopback port (0: an ephemeral one). */
export async function startModernHttp(port = 0): Promise<RunningModernServer> {
  const process = await spawnTs(modernFixture, ['http', '--port', String(port)], {}, { waitForListening: true });
  return {
    url: `http://127.0.0.1:${process.port}/mcp`,
    process,
    stop: async () => void (await process.stop()),
  };
}
