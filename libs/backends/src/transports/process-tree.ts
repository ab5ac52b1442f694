import { readdirSync, readFileSync } from 'node:fs';

/** A process, by pid and start time (clock ticks since boot), so a pid reused by someone else is never signalled. */
export interface ProcessRef {
  pid: number;
  start: string;
}

interface ProcStat {
  ppid: number;
  pgid: number;
  start: string;
  zombie: boolean;
}

/** Fields of /proc/<pid>/stat after the parenthesised command name (which may hold spaces). */
function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgid: Number(fields[2]), start: fields[19], zombie: fields[0] === 'Z' };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return []; // not Linux: process groups are all there is
  }
}

/** True when `marker` (`NAME=value`) is one of the process's environment entries. */
function hasEnvEntry(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
  } catch {
    return false;
  }
}

/**
 * Every live process that belongs to a backend (Linux /proc): the descendants of `roots`, however far they have
 * moved into sessions and process groups of their own (setsid), and any process whose environment carries `marker`,
 * which also finds a daemon whose parent has already exited (double fork). Zombies are left to their parents.
 */
export function backendProcesses(roots: ProcessRef[], marker?: string): ProcessRef[] {
  const stats = new Map<number, ProcStat>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  const found = new Map<number, ProcessRef>();
  const queue: number[] = [];
  const add = (pid: number, start: string) => {
    if (found.has(pid) || pid === process.pid) return;
    found.set(pid, { pid, start });
    queue.push(pid);
  };
  for (const root of roots) if (stats.get(root.pid)?.start === root.start) add(root.pid, root.start);
  if (marker) for (const [pid, stat] of stats) if (hasEnvEntry(pid, marker)) add(pid, stat.start);
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  while (queue.length) {
    for (const child of children.get(queue.pop()!) ?? []) add(child, stats.get(child)!.start);
  }
  return [...found.values()].filter((ref) => !stats.get(ref.pid)!.zombie);
}

/** The process group of each process, without the gateway's own (never signalled). */
export function processGroups(refs: ProcessRef[]): number[] {
  const own = readStat(process.pid)?.pgid;
  const groups = new Set<number>();
  for (const ref of refs) {
    const stat = readStat(ref.pid);
    if (stat && stat.start === ref.start && stat.pgid !== own && stat.pgid > 1) groups.add(stat.pgid);
  }
  return [...groups];
}

/** The same process still running (not exited, not a zombie, pid not reused). */
export function isRunning(ref: ProcessRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== undefined && stat.start === ref.start && !stat.zombie;
}

export function startTime(pid: number): string | undefined {
  return readStat(pid)?.start;
}
