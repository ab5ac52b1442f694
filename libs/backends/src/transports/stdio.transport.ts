import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { formatByteSize } from '@gateway/config';
import type { TransportActivity } from './backend-connector.js';
import { jsonRpcKind, truncatedResponseId } from './json-rpc-message.js';
import { LineSplitter, type OversizedLine } from './line-splitter.js';
import type { ProcessSpawner, SpawnRequest } from './process-spawner.js';

const NOT_RUNNING = 'backend process is not running';

/** Messages sent in one turn of the event loop, written to the child's stdin together. */
interface Batch {
  lines: string[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface StdioTransportOptions {
  /** The backend's name, for errors a client reads. */
  name: string;
  request: SpawnRequest;
  /** The longest message (line) the backend may write; a longer result fails its request. */
  maxMessageBytes: number;
  spawner: ProcessSpawner;
  /** Each line the child writes to stderr. */
  onStderrLine: (line: string) => void;
  /** How long the process group gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/**
 * MCP over a child's stdin/stdout, like the SDK's StdioClientTransport, but the child leads its own process group
 * and close() ends the whole group, so nothing it forked outlives the gateway. Messages sent in the same turn of the
 * event loop (concurrent calls) go out in one write: each pipe write wakes the child, so one per message costs both
 * processes a context switch under load.
 */
export class ProcessGroupStdioTransport implements Transport, TransportActivity {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcessWithoutNullStreams;
  private readonly stdout: LineSplitter;
  private batch?: Batch;
  private stderrTail = '';
  private closed = false;
  exitInfo?: string;
  lastReceivedAt = 0;

  constructor(private readonly options: StdioTransportOptions) {
    this.stdout = new LineSplitter({
      maxBytes: options.maxMessageBytes,
      onLine: (line) => this.onLine(line),
      onOversized: (line) => this.onOversized(line),
    });
  }

  /** A message is arriving (part of a line is in): the process is working, however long the rest takes. */
  get receiving(): boolean {
    return this.stdout.partial;
  }

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
      child.stdout.on('data', (chunk: Buffer) => {
        this.lastReceivedAt = Date.now();
        this.stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk));
      child.stdin.on('error', (error) => this.onerror?.(error));
    });
  }

  /** Resolves once the message is written (or buffered before a drain), as the SDK's transport does. */
  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || !stdin.writable) return Promise.reject(new Error(NOT_RUNNING));
    if (!this.batch) {
      this.batch = newBatch();
      setImmediate(() => this.flush());
    }
    this.batch.lines.push(`${JSON.stringify(message)}\n`);
    return this.batch.done;
  }

  private flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || !stdin.writable) return batch.reject(new Error(NOT_RUNNING));
    if (stdin.write(batch.lines.length === 1 ? batch.lines[0] : batch.lines.join(''))) batch.resolve();
    else stdin.once('drain', batch.resolve);
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined) {
      this.flush();
      child.stdin.end();
      await this.options.spawner.killGroup(child.pid, this.options.killGraceMs ?? 2000);
    }
    this.finish();
  }

  /** One JSON-RPC message per line; a stray line that is not one is reported and skipped, not fatal. */
  private onLine(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line) return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.onerror?.(new Error(`backend wrote a line that is not JSON: ${line.slice(0, 200)}`));
      return;
    }
    if (jsonRpcKind(message)) this.onmessage?.(message as JSONRPCMessage);
    else this.onerror?.(new Error(`backend wrote JSON that is not a JSON-RPC message: ${line.slice(0, 200)}`));
  }

  /**
   * A message over the limit was dropped unread. When it was a response (its id is at one of its ends, where the
   * SDKs put it), that request fails now with an error saying so, rather than waiting out its timeout.
   */
  private onOversized(line: OversizedLine): void {
    const { name, maxMessageBytes } = this.options;
    const message =
      `backend "${name}" sent a message of ${line.bytes} bytes, more than its max_message_size ` +
      `(${formatByteSize(maxMessageBytes)}); raise backends.${name}.max_message_size to accept it`;
    const id = truncatedResponseId(line.head, line.tail);
    if (id === undefined) this.onerror?.(new Error(message));
    else this.onmessage?.({ jsonrpc: '2.0', id, error: { code: ErrorCode.InternalError, message } });
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
    this.stdout.reset();
    this.batch?.reject(new Error(NOT_RUNNING));
    this.batch = undefined;
    this.onclose?.();
  }
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { lines: [], done, resolve, reject };
}
