// Every process the benchmark starts, by pid, so each one (and whatever it forked) is killed at the end, also on
// failure. Nothing is ever killed by name.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isAlive, killPid } from '../../test/helpers/processes.js';

export interface Tracked {
  child: ChildProcess;
  pid: number;
  label: string;
  stderrLines: string[];
  stdoutLines: string[];
  exited: Promise<void>;
}

/** Direct children of `pid` (all threads), from /proc. */
function childrenOf(pid: number): number[] {
  const result: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) result.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // Gone already.
  }
  return result;
}

/** Every live descendant of `pid`, depth first. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const stack = childrenOf(pid);
  while (stack.length) {
    const next = stack.pop()!;
    out.push(next);
    stack.push(...childrenOf(next));
  }
  return out;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks): with the pid, identifies one process even after reuse. */
export function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ: 100 on every Linux architecture Node supports

/** CPU time (user + system, every thread) a process has used so far, in ms; NaN when it is gone. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 once pid, comm and state are dropped.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size of one process in MiB (VmRSS), or NaN when it is gone. */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export class ProcessTracker {
  private readonly tracked = new Map<number, Tracked>();
  /** Pids learnt indirectly (descendants, a worker's stdio child), with their start time so a reused pid is spared. */
  private readonly extra = new Map<number, string | undefined>();

  spawn(label: string, command: string, args: string[], options: SpawnOptions = {}): Tracked {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    if (child.pid === undefined) throw new Error(`${label}: could not spawn ${command}`);
    const entry: Tracked = {
      child,
      pid: child.pid,
      label,
      stderrLines: [],
      stdoutLines: [],
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    const keep = (lines: string[]) => (line: string) => {
      lines.push(line);
      if (lines.length > 200) lines.shift();
    };
    if (child.stderr) createInterface({ input: child.stderr }).on('line', keep(entry.stderrLines));
    if (child.stdout) createInterface({ input: child.stdout }).on('line', keep(entry.stdoutLines));
    this.tracked.set(child.pid, entry);
    return entry;
  }

  /** Registers a pid we started indirectly, so cleanup kills it too. */
  adopt(pid: number): void {
    this.extra.set(pid, startTicks(pid));
  }

  /** Records the current descendants of a tracked process (call before stopping it: orphans lose their parent link). */
  adoptDescendants(pid: number): number[] {
    const found = descendantsOf(pid);
    for (const child of found) this.adopt(child);
    return found;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; then kills its recorded descendants that are still alive. */
  async stop(entry: Tracked, graceMs = 5000): Promise<void> {
    const descendants = this.adoptDescendants(entry.pid);
    if (entry.child.exitCode === null && entry.child.signalCode === null) {
      killPid(entry.pid, 'SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([entry.exited, timer])) === 'timeout') {
        killPid(entry.pid, 'SIGKILL');
        await entry.exited;
      }
    }
    this.tracked.delete(entry.pid);
    await this.killPids(descendants);
  }

  /** Kills everything still alive: tracked processes (with their descendants) and adopted pids. */
  async stopAll(): Promise<void> {
    for (const entry of this.tracked.values()) this.adoptDescendants(entry.pid);
    await Promise.all([...this.tracked.values()].map((entry) => this.stop(entry, 3000)));
    await this.killPids([...this.extra.keys()]);
    this.extra.clear();
  }

  private async killPids(pids: number[]): Promise<void> {
    // Only the very process we recorded: same pid and same start time.
    const alive = pids.filter((pid) => isAlive(pid) && startTicks(pid) === this.extra.get(pid));
    for (const pid of alive) killPid(pid, 'SIGTERM');
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && alive.some((pid) => isAlive(pid))) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const pid of alive) if (isAlive(pid)) killPid(pid, 'SIGKILL');
    for (const pid of pids) this.extra.delete(pid);
  }
}
