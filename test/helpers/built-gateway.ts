// The built CLI (`node bin/mcp-gateway.js`, which runs dist/apps/gateway/src/main.js) as a real child process.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
import { childPids } from './proc-tree.js';
import { fromRoot, isAlive, killPid, repoRoot, stopProcess, waitFor, waitForExit, type ExitInfo } from './processes.js';

export const builtEntry: string = fromRoot('dist/apps/gateway/src/main.js');
export const gatewayBin: string = fromRoot('bin/mcp-gateway.js');
// Outside the repository (git status stays clean) and outside dist (the build empties it); one lock per checkout.
const buildLock = join(
  tmpdir(),
  `mcp-gateway-build-${createHash('sha1').update(repoRoot).digest('hex').slice(0, 12)}.lock`,
);

/**
 * Builds the gateway (`npx nest build gateway`) unless dist already holds it. Suites running in parallel share one
 * build: the first takes a lock directory, the others wait for it to go away.
 */
export async function ensureGatewayBuilt(timeoutMs = 180_000): Promise<void> {
  if (existsSync(builtEntry)) return;
  removeStaleLock(timeoutMs);
  try {
    mkdirSync(buildLock);
  } catch {
    await waitFor(() => !existsSync(buildLock), { timeoutMs, intervalMs: 250, description: 'the gateway build' });
    if (!existsSync(builtEntry)) throw new Error(`another build finished without creating ${builtEntry}`);
    return;
  }
  try {
    const build = spawnSync('npx', ['nest', 'build', 'gateway'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    // tsc emits even when an unrelated file has type errors; what the suites need is the entry point.
    if (!existsSync(builtEntry)) {
      throw new Error(`nest build gateway did not produce ${builtEntry}:\n${build.stdout}\n${build.stderr}`);
    }
  } finally {
    rmSync(buildLock, { recursive: true, force: true });
  }
}

/** A lock older than a whole build was left by a run that was killed mid-build. */
function removeStaleLock(maxAgeMs: number): void {
  try {
    if (Date.now() - statSync(buildLock).mtimeMs > maxAgeMs) rmSync(buildLock, { recursive: true, force: true });
  } catch {
    // No lock.
  }
}

/** process.env without MCP_GATEWAY_* (so the machine's settings never change what a test sees), plus `extra`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MCP_GATEWAY_')));
  return { ...env, ...extra };
}

export interface GatewayProcess {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  stdoutLines: string[];
  stderrLines: string[];
  /** Resolves once the process has exited and its stdout and stderr are fully read. */
  closed: Promise<void>;
}

/** Starts `node bin/mcp-gateway.js ...args` with piped stdio; `env` replaces the environment (see cleanEnv). */
export function spawnGateway(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): GatewayProcess {
  const child = spawn(process.execPath, [gatewayBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => stdoutLines.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => stderrLines.push(line));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, pid: child.pid ?? -1, stdoutLines, stderrLines, closed };
}

/** Stops the gateway (SIGTERM, then SIGKILL) and ends any backend process it left behind (ours, by pid). */
export async function stopGatewayProcess(gateway: GatewayProcess): Promise<void> {
  const leftovers = childPids(gateway.child.pid!);
  await stopProcess(gateway.child);
  for (const pid of leftovers) if (isAlive(pid)) killPid(pid);
}

export interface CliRun extends ExitInfo {
  stdout: string;
  stderr: string;
  /** True when something accepted a TCP connection on `watchPort` while the process ran. */
  listened: boolean;
}

/**
 * Runs the CLI to completion. With `watchPort`, keeps trying to connect to 127.0.0.1:<watchPort> while the process
 * runs, to prove that nothing ever listened there.
 */
export async function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; watchPort?: number; timeoutMs?: number } = {},
): Promise<CliRun> {
  const gateway = spawnGateway(args, options);
  let running = true;
  let listened = false;
  const watcher = (async () => {
    if (!options.watchPort) return;
    while (running) {
      if (await accepts(options.watchPort)) listened = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  let exit: ExitInfo;
  try {
    exit = await waitForExit(gateway.child, options.timeoutMs ?? 15_000);
  } catch (error) {
    gateway.child.kill('SIGKILL');
    throw error;
  } finally {
    running = false;
    await watcher;
  }
  await gateway.closed;
  return {
    ...exit,
    stdout: gateway.stdoutLines.join('\n'),
    stderr: gateway.stderrLines.join('\n'),
    listened,
  };
}

/** True when 127.0.0.1:<port> accepts a TCP connection. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
