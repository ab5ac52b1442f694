// Linux /proc lookups for process-tree assertions (which processes a gateway spawned).
import { readdirSync, readFileSync } from 'node:fs';

/** Pids whose parent is `ppid` (zombies included); empty where /proc is unavailable. */
export function childPids(ppid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, pgrp, ...
      const [, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(parent) === ppid) children.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return children;
}

/** Field `index` of /proc/<pid>/stat after the parenthesised command name (1 ppid, 2 pgrp), or undefined. */
function statField(pid: number, index: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index]);
  } catch {
    return undefined;
  }
}

/** The parent of `pid`, or undefined once it is gone. */
export function parentPid(pid: number): number | undefined {
  return statField(pid, 1);
}

/** The process group of `pid`, or undefined once it is gone. */
export function processGroup(pid: number): number | undefined {
  return statField(pid, 2);
}
