import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { backendProcesses, isRunning, processGroups, startTime, type ProcessRef } from './process-tree.js';

export interface SpawnRequest {
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
}

/** Set in every backend's environment (a random value per process): whatever inherits it belongs to that backend. */
const BACKEND_TAG_VAR = 'MCP_GATEWAY_BACKEND_TAG';

interface Spawned {
  leader: ProcessRef;
  /** `MCP_GATEWAY_BACKEND_TAG=<uuid>`. */
  marker: string;
}

/**
 * Spawns backend processes, each as the leader of its own process group, and ends each with everything it started:
 * its group, and (on Linux) every descendant and every process carrying its tag, also those that left the group
 * with setsid or were re-parented after a double fork. Behind an injectable seam so unit tests can fake the OS;
 * integration tests use the real one.
 */
@Injectable()
export class ProcessSpawner {
  /** By leader pid, until killGroup has run: the group and its strays may outlive the leader. */
  private readonly spawned = new Map<number, Spawned>();

  constructor() {
    // Last resort for paths that skip graceful shutdown (process.exit, uncaught errors): no orphans.
    process.once('exit', () => this.killAllNow());
  }

  spawn(request: SpawnRequest): ChildProcessWithoutNullStreams {
    const tag = randomUUID();
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: { ...request.env, [BACKEND_TAG_VAR]: tag },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
    const pid = child.pid;
    if (pid !== undefined) {
      this.spawned.set(pid, { leader: { pid, start: startTime(pid) ?? '' }, marker: `${BACKEND_TAG_VAR}=${tag}` });
    }
    return child;
  }

  /** Sends a signal to every process in the group; false when the group is already gone. */
  signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** SIGTERM the backend's processes, then SIGKILL whatever is left of them after `graceMs`. */
  async killGroup(pid: number, graceMs: number): Promise<void> {
    const spawned = this.spawned.get(pid);
    let members = this.members(spawned, []);
    this.signalAll(pid, members, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (!this.signalGroup(pid, 0) && !members.some(isRunning)) break;
    }
    // Anything forked meanwhile is found now; whatever still runs is killed.
    members = this.members(spawned, members).filter(isRunning);
    this.signalAll(pid, members, 'SIGKILL');
    this.spawned.delete(pid);
  }

  killAllNow(): void {
    for (const [pid, spawned] of this.spawned) this.signalAll(pid, this.members(spawned, []), 'SIGKILL');
    this.spawned.clear();
  }

  private members(spawned: Spawned | undefined, known: ProcessRef[]): ProcessRef[] {
    return spawned ? backendProcesses([spawned.leader, ...known], spawned.marker) : [];
  }

  private signalAll(pid: number, members: ProcessRef[], signal: NodeJS.Signals): void {
    for (const group of new Set([pid, ...processGroups(members)])) this.signalGroup(group, signal);
    for (const member of members) {
      try {
        if (isRunning(member)) process.kill(member.pid, signal);
      } catch {
        // Gone meanwhile.
      }
    }
  }
}
