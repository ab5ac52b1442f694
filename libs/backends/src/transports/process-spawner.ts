import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Injectable } from '@nestjs/common';

export interface SpawnRequest {
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Spawns backend processes, each as the leader of its own process group, and ends whole groups.
 * Behind an injectable seam so unit tests can fake the OS; integration tests use the real one.
 */
@Injectable()
export class ProcessSpawner {
  private readonly groups = new Set<number>();

  constructor() {
    // Last resort for paths that skip graceful shutdown (process.exit, uncaught errors): no orphans.
    process.once('exit', () => this.killAllNow());
  }

  spawn(request: SpawnRequest): ChildProcessWithoutNullStreams {
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
    // The group may outlive its leader (a forked grandchild), so it is tracked until killGroup runs.
    if (child.pid !== undefined) this.groups.add(child.pid);
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

  /** SIGTERM the group, then SIGKILL whatever is left after `graceMs`. */
  async killGroup(pid: number, graceMs: number): Promise<void> {
    if (!this.signalGroup(pid, 'SIGTERM')) {
      this.groups.delete(pid);
      return;
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (!this.signalGroup(pid, 0)) {
        this.groups.delete(pid);
        return;
      }
    }
    this.signalGroup(pid, 'SIGKILL');
    this.groups.delete(pid);
  }

  killAllNow(): void {
    for (const pid of this.groups) this.signalGroup(pid, 'SIGKILL');
    this.groups.clear();
  }
}
