// Shortcuts for test/fixtures/fault-server.ts (its header documents the tools and FAULT_* variables).
import { readFileSync } from 'node:fs';
import { spawnTs, tsCommand, type SpawnedProcess } from './processes.js';

export const faultServerFixture = 'test/fixtures/fault-server.ts';

/** `{command, args}` for the fault server over stdio; pass FAULT_* variables as the transport's env. */
export function faultStdioCommand(): { command: string; args: string[] } {
  return tsCommand(faultServerFixture, ['stdio']);
}

export interface RunningFaultHttp extends SpawnedProcess {
  /** `http://127.0.0.1:<port>/mcp`. */
  url: string;
  port: number;
}

/** Starts the fault server over Streamable HTTP (env merged over process.env; PORT defaults to 0). */
export async function startFaultHttp(env: NodeJS.ProcessEnv = {}, timeoutMs = 15000): Promise<RunningFaultHttp> {
  const spawned = await spawnTs(
    faultServerFixture,
    ['http'],
    { PORT: '0', ...env },
    { waitForListening: true, timeoutMs },
  );
  const port = spawned.port!;
  return Object.assign(spawned, { port, url: `http://127.0.0.1:${port}/mcp` });
}

/** Lines of a FAULT_CALL_LOG file (empty when it does not exist yet). */
export function readCallLog(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
