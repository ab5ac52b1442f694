// The reference servers from @modelcontextprotocol: server-everything over HTTP (forced onto 127.0.0.1 by the
// loopback-listen preload) and the stdio commands for server-everything and server-memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fromRoot, stopProcess, waitFor } from './processes.js';

export type EverythingHttpMode = 'streamableHttp' | 'sse';

export interface RunningEverything {
  /** `http://127.0.0.1:<port>/mcp` (streamableHttp) or `http://127.0.0.1:<port>/sse` (sse). */
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, SIGKILL after 2 s; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

export const everythingDist: string = fromRoot('node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const loopbackPreload: string = fromRoot('test/fixtures/loopback-listen.cjs');

function readMemoryBin(): string {
  const dir = fromRoot('node_modules/@modelcontextprotocol/server-memory');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0];
  return join(dir, bin);
}

/** Starts server-everything over HTTP on 127.0.0.1 with an ephemeral port. */
export function startEverything(mode: EverythingHttpMode): Promise<RunningEverything> {
  return startEverythingOnPort(mode, 0);
}

/**
 * Starts server-everything on a given 127.0.0.1 port (0 = ephemeral); used to bring a backend up later at the same
 * URL. Rejects (with the stderr tail) if the process exits before listening, e.g. when the port is taken.
 */
export async function startEverythingOnPort(
  mode: EverythingHttpMode,
  port: number,
  timeoutMs = 15000,
): Promise<RunningEverything> {
  const dir = mkdtempSync(join(tmpdir(), 'everything-'));
  const portFile = join(dir, 'port');
  const child = spawn(process.execPath, ['--require', loopbackPreload, everythingDist, mode], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), LOOPBACK_PORT_FILE: portFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  // Drain both pipes so the server never blocks on a full pipe; keep stderr for error messages.
  child.stdout.resume();
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 200) stderr.shift();
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= stopProcess(child).then(() => rmSync(dir, { recursive: true, force: true }));
    return stopped;
  };

  try {
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        reject(new Error(`server-everything ${mode} exited (code ${code}, signal ${signal}) before listening`));
      });
    });
    const listening = waitFor(
      () => {
        if (child.exitCode !== null || child.signalCode !== null) return -1; // stop polling; `exited` reports it
        try {
          return Number(readFileSync(portFile, 'utf8')) || undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs, description: `server-everything ${mode} listening on port ${port || '(ephemeral)'}` },
    );
    // Whichever settles first wins; the loser's rejection is handled so it never surfaces as unhandled.
    exited.catch(() => undefined);
    listening.catch(() => undefined);
    const boundPort = await Promise.race([listening, exited]);
    if (boundPort < 0) await exited;
    const path = mode === 'sse' ? '/sse' : '/mcp';
    return { url: `http://127.0.0.1:${boundPort}${path}`, port: boundPort, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr.slice(-20).join('\n')}`, { cause: error });
  }
}

/** `{command, args}` for server-everything over stdio. */
export function everythingStdioCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [everythingDist, 'stdio'] };
}

/**
 * `{command, args, env}` for server-memory over stdio. Its knowledge graph goes to `MEMORY_FILE_PATH` (the variable
 * its dist reads), by default `memory.jsonl` in a fresh temp dir, never inside node_modules.
 */
export function memoryStdioCommand(memoryFile?: string): {
  command: string;
  args: string[];
  env: { MEMORY_FILE_PATH: string };
} {
  const file = memoryFile ?? join(mkdtempSync(join(tmpdir(), 'server-memory-')), 'memory.jsonl');
  return { command: process.execPath, args: [readMemoryBin()], env: { MEMORY_FILE_PATH: file } };
}
