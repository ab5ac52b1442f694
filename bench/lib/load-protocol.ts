// Messages between the load pool (bench/lib/load-pool.ts) and its worker processes (bench/lib/load-worker.ts).

/** One tools/call a client makes; a list of them is used round-robin. */
export interface CallSpec {
  name: string;
  arguments: Record<string, unknown>;
  /** When set, the first text content must equal it (otherwise the run fails). */
  expectText?: string;
}

/**
 * The protocol era of a load-generator client: legacy (2025-11-25: initialize, a session) or modern (2026-07-28:
 * no session, every request carries `_meta`; the SDK 2.x client pinned to 2026-07-28).
 */
export type ClientEra = 'legacy' | 'modern';

export type LoadTarget =
  | {
      kind: 'http';
      url: string;
      calls: CallSpec[];
      /** Sent with every request (credentials). */ headers?: Record<string, string>;
      /** Default legacy. */
      era?: ClientEra;
    }
  | { kind: 'stdio'; command: string; args: string[]; calls: CallSpec[] };

/**
 * How HTTP sessions make their calls. Both open each session with the MCP SDK Client (initialize handshake); 'raw'
 * then POSTs tools/call over undici's Client and parses each answer itself, 'sdk' calls client.callTool. Stdio targets always
 * use the SDK client.
 */
export type LoadGen = 'raw' | 'sdk';
export const LOAD_GENS: readonly LoadGen[] = ['raw', 'sdk'];

export type ToWorker =
  | { op: 'open'; target: LoadTarget; sessions: number; loadgen: LoadGen }
  | { op: 'warm'; calls: number }
  /** A timed window: a fixed number of calls, or as many as fit in durationMs (calls in flight then complete). */
  | { op: 'run'; calls?: number; durationMs?: number }
  | { op: 'close' };

export type FromWorker =
  | { op: 'opened'; pids: number[] }
  | { op: 'warmed' }
  | { op: 'done'; latenciesMs: number[]; elapsedMs: number }
  | { op: 'closed' }
  | { op: 'error'; message: string };
