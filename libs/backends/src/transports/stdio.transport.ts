import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ProcessSpawner, SpawnRequest } from './process-spawner.js';

export interface StdioTransportOptions {
  request: SpawnRequest;
  spawner: ProcessSpawner;
  /** Each line the child writes to stderr. */
  onStderrLine: (line: string) => void;
  /** How long the process group gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/**
 * MCP over a child's stdin/stdout, like the SDK's StdioClientTransport, but the child leads its own process group
 * and close() ends the whole group, so nothing it forked outlives the gateway.
 */
export class ProcessGroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcessWithoutNullStreams;
  private readonly readBuffer = new ReadBuffer();
  private stderrTail = '';
  private closed = false;
  exitInfo?: string;

  constructor(private readonly options: StdioTransportOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    const { request, spawner } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawner.spawn(request);
      this.child = child;
      child.once('error', (error) => {
        const message = `cannot start "${request.command}": ${error.message}`;
        if (child.pid === undefined) reject(new Error(message));
        else this.onerror?.(new Error(message));
        this.finish();
      });
      child.once('spawn', () => resolve());
      child.once('close', (code, signal) => {
        this.exitInfo = signal ? `exited on ${signal}` : `exited with code ${code}`;
        this.finish();
      });
      child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
      child.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk));
      child.stdin.on('error', (error) => this.onerror?.(error));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || !stdin.writable) return Promise.reject(new Error('backend process is not running'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined) {
      child.stdin.end();
      await this.options.spawner.killGroup(child.pid, this.options.killGraceMs ?? 2000);
    }
    this.finish();
  }

  private onStdout(chunk: Buffer): void {
    this.readBuffer.append(chunk);
    for (;;) {
      try {
        const message = this.readBuffer.readMessage();
        if (message === null) return;
        this.onmessage?.(message);
      } catch (error) {
        // A stray non-JSON line from the server must not kill the session.
        this.onerror?.(error as Error);
      }
    }
  }

  private onStderr(chunk: Buffer): void {
    const lines = (this.stderrTail + chunk.toString('utf8')).split('\n');
    this.stderrTail = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.options.onStderrLine(line.replace(/\r$/, ''));
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.stderrTail.trim()) this.options.onStderrLine(this.stderrTail);
    this.stderrTail = '';
    this.readBuffer.clear();
    this.onclose?.();
  }
}
