// Process helpers for integration tests: spawn fixtures, wait for them, and end exactly the processes we started.
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Absolute path of the repository root (the folder holding package.json). */
export const repoRoot: string = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** `file://` URL of tsx's ESM loader, so `--import` works whatever the child's cwd is. */
export const tsxLoader: string = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

/** Resolves a path relative to the repository root (absolute paths pass through). */
export function fromRoot(file: string): string {
  return isAbsolute(file) ? file : join(repoRoot, file);
}

/**
 * `{command, args}` running a TypeScript file with node + tsx (for StdioClientTransport or a gateway config). Built
 * JavaScript (`.js`, the compiled examples) runs on plain node: tsx would resolve the repository's tsconfig paths
 * (`@mcp-gateway/gateway` to the sources) instead of the installed package, and compile without decorator metadata.
 */
export function tsCommand(file: string, args: string[] = []): { command: string; args: string[] } {
  const loader = file.endsWith('.js') ? [] : ['--import', tsxLoader];
  return { command: process.execPath, args: [...loader, fromRoot(file), ...args] };
}

/** True while `pid` exists and is not a zombie (orphans may linger as zombies when PID 1 does not reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 (after the parenthesised command name) is the state; Z = zombie, X = dead.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync(`/proc/${pid}`) || process.platform !== 'linux';
  }
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/** Polls `fn` until it returns a truthy value (which is returned); rejects after `timeoutMs` (default 5000). */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 5000, intervalMs = 50, description = 'condition' }: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor: ${description} not met within ${timeoutMs}ms${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves with the exit code/signal once `child` has exited; rejects after `timeoutMs` (default 5000). */
export function waitForExit(child: ChildProcess, timeoutMs = 5000): Promise<ExitInfo> {
  if (hasExited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      reject(new Error(`waitForExit: pid ${child.pid} still running after ${timeoutMs}ms`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      resolve({ code, signal });
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs` (default 2000); resolves once the child has exited. Only this child. */
export async function stopProcess(child: ChildProcess, graceMs = 2000): Promise<ExitInfo> {
  if (hasExited(child)) return { code: child.exitCode, signal: child.signalCode };
  child.kill('SIGTERM');
  try {
    return await waitForExit(child, graceMs);
  } catch {
    child.kill('SIGKILL');
    return waitForExit(child, 5000);
  }
}

/** SIGKILLs a pid we know we started (e.g. a grandchild whose pid a fixture wrote to a file); ignores ESRCH. */
export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** A port that was free a moment ago on 127.0.0.1 (listen on :0, read, close). Racy by nature; prefer port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnTsOptions {
  /** Resolve only after the child prints `LISTENING <port>` on stderr (or stdout). Default false. */
  waitForListening?: boolean;
  /** Startup timeout when waiting for LISTENING. Default 15000. */
  timeoutMs?: number;
  /** Default: the repository root. */
  cwd?: string;
}

export interface SpawnedProcess {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  /** Set when waitForListening was requested. */
  port?: number;
  /** Every stderr line so far (also kept after exit, for assertions and failure messages). */
  stderrLines: string[];
  stdoutLines: string[];
  /** SIGTERM, SIGKILL after 2 s, await exit. */
  stop(): Promise<ExitInfo>;
}

const LISTENING = /^LISTENING (\d+)\s*$/;

/**
 * Runs `node --import tsx <file> ...args` with piped stdio; `env` is merged over process.env.
 * With `waitForListening`, resolves once a `LISTENING <port>` line appears and rejects if the child exits first.
 */
export function spawnTs(
  file: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: SpawnTsOptions = {},
): Promise<SpawnedProcess> {
  const { command, args: fullArgs } = tsCommand(file, args);
  const child = spawn(command, fullArgs, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrLines: string[] = [];
  const stdoutLines: string[] = [];
  const result: SpawnedProcess = {
    child,
    pid: child.pid ?? -1,
    stderrLines,
    stdoutLines,
    stop: () => stopProcess(child),
  };

  return new Promise((resolve, reject) => {
    const onLine = (lines: string[]) => (line: string) => {
      lines.push(line);
      const match = LISTENING.exec(line);
      if (match && result.port === undefined) {
        result.port = Number(match[1]);
        if (options.waitForListening) settle();
      }
    };
    createInterface({ input: child.stderr }).on('line', onLine(stderrLines));
    createInterface({ input: child.stdout }).on('line', onLine(stdoutLines));

    let done = false;
    const timeoutMs = options.timeoutMs ?? 15000;
    const timer = options.waitForListening
      ? setTimeout(() => {
          void stopProcess(child);
          fail(new Error(`spawnTs ${file}: no LISTENING line within ${timeoutMs}ms`));
        }, timeoutMs)
      : undefined;
    function settle(): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    }
    function fail(error: Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(error);
    }
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      const tail = stderrLines.slice(-20).join('\n');
      fail(new Error(`spawnTs ${file}: exited (code ${code}, signal ${signal}) before LISTENING\n${tail}`));
    });
    if (!options.waitForListening) {
      // Resolve once spawned so callers get a pid even if the child dies right away.
      child.once('spawn', settle);
    }
  });
}
