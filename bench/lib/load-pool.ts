// The load generator: worker processes (bench/lib/load-worker.ts) each holding MCP sessions. Sessions are spread over
// the workers so the client side uses every core; a window is a fixed number of calls shared by all.
import { fileURLToPath } from 'node:url';
import { tsxLoader } from '../../test/helpers/processes.js';
import type { FromWorker, LoadGen, LoadTarget, ToWorker } from './load-protocol.js';
import { cpuTimeMs, type ProcessTracker, type Tracked } from './process-tracker.js';
import { sortedCopy } from './stats.js';

const workerFile = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export interface WindowOptions {
  sessions: number;
  /** A fixed-count window: this many calls in all. */
  calls?: number;
  /** A fixed-duration window: calls until this many ms have passed (used when calls is unset). */
  durationMs?: number;
  warmup: number;
  /** Keep every session in one worker (a stdio target: one client process, one pipe). */
  oneWorker?: boolean;
  /** Processes whose CPU time is measured over the timed window; 'opened' = the stdio children the workers started. */
  cpuPids?: number[] | 'opened';
}

export interface WindowResult {
  calls: number;
  sessions: number;
  /** Ascending latencies of every timed call, ms. */
  latencies: Float64Array;
  /** Wall time of the timed window, from the start signal to the last worker's answer, ms. */
  elapsedMs: number;
  throughput: number;
  /** CPU time the cpuPids used during the timed window, ms (undefined when none were given). */
  cpuMs?: number;
  /** CPU time the load-generator workers themselves used during the timed window, ms. */
  loadCpuMs: number;
}

class Worker {
  private pending?: { resolve: (message: FromWorker) => void; reject: (error: Error) => void };

  constructor(readonly process: Tracked) {
    process.child.on('message', (message: FromWorker) => {
      const pending = this.pending;
      this.pending = undefined;
      if (!pending) return;
      if (message.op === 'error') pending.reject(new Error(`load worker ${process.pid}: ${message.message}`));
      else pending.resolve(message);
    });
    process.child.on('error', (error) => {
      this.pending?.reject(new Error(`load worker ${process.pid}: ${error.message}`));
      this.pending = undefined;
    });
    process.child.once('exit', (code, signal) => {
      this.pending?.reject(new Error(`load worker ${process.pid} exited (code ${code}, signal ${signal})`));
      this.pending = undefined;
    });
  }

  request<K extends FromWorker['op']>(message: ToWorker, expect: K): Promise<Extract<FromWorker, { op: K }>> {
    if (this.pending) return Promise.reject(new Error('load worker busy'));
    return new Promise((resolve, reject) => {
      this.pending = {
        resolve: (answer) =>
          answer.op === expect
            ? resolve(answer as Extract<FromWorker, { op: K }>)
            : reject(new Error(`load worker answered ${answer.op}, expected ${expect}`)),
        reject,
      };
      this.process.child.send(message, (error) => {
        if (!error) return;
        this.pending = undefined;
        reject(new Error(`load worker ${this.process.pid}: ${error.message}`));
      });
    });
  }
}

export class LoadPool {
  private constructor(
    private readonly tracker: ProcessTracker,
    private readonly workers: Worker[],
    readonly loadgen: LoadGen,
  ) {}

  static start(tracker: ProcessTracker, count: number, loadgen: LoadGen): LoadPool {
    const workers = Array.from({ length: count }, (_, i) => {
      const spawned = tracker.spawn(`load-worker-${i}`, process.execPath, ['--import', tsxLoader, workerFile], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      return new Worker(spawned);
    });
    return new LoadPool(tracker, workers, loadgen);
  }

  get size(): number {
    return this.workers.length;
  }

  /** How the calls are made, for the report. */
  describe(): string {
    const workers = `${this.size} worker process${this.size === 1 ? '' : 'es'} (node:child_process)`;
    return this.loadgen === 'raw'
      ? 'sessions initialized with the MCP SDK Client (@modelcontextprotocol/sdk: initialize, ' +
          'notifications/initialized); calls as raw HTTP/1.1 keep-alive POSTs (undici Client.dispatch, one connection per session), ' +
          `every response parsed (JSON or SSE) and checked, in ${workers}; the stdio baseline uses the SDK ` +
          'StdioClientTransport'
      : `MCP SDK Client (@modelcontextprotocol/sdk, client.callTool over StreamableHTTPClientTransport or ` +
          `StdioClientTransport) in ${workers}`;
  }

  /** Opens sessions, warms up, runs the timed window, closes the sessions. Any failed call fails the window. */
  async window(target: LoadTarget, options: WindowOptions): Promise<WindowResult> {
    const shares = this.shares(options);
    const used = shares.map((share, i) => ({ worker: this.workers[i], ...share })).filter((s) => s.sessions > 0);
    try {
      const opened = await Promise.all(
        used.map((u) =>
          u.worker.request({ op: 'open', target, sessions: u.sessions, loadgen: this.loadgen }, 'opened'),
        ),
      );
      for (const answer of opened) for (const pid of answer.pids) this.tracker.adopt(pid);
      const cpuPids = options.cpuPids === 'opened' ? opened.flatMap((answer) => answer.pids) : (options.cpuPids ?? []);
      const cpu = () => cpuPids.reduce((sum, pid) => sum + cpuTimeMs(pid), 0);
      await Promise.all(
        used.map((u) =>
          u.worker.request(
            { op: 'warm', calls: Math.ceil((options.warmup * u.sessions) / options.sessions) },
            'warmed',
          ),
        ),
      );
      const loadCpu = () => used.reduce((sum, u) => sum + cpuTimeMs(u.worker.process.pid), 0);
      const cpuBefore = cpu();
      const loadCpuBefore = loadCpu();
      const started = performance.now();
      const done = await Promise.all(
        used.map((u) =>
          u.worker.request(
            options.calls === undefined ? { op: 'run', durationMs: options.durationMs } : { op: 'run', calls: u.calls },
            'done',
          ),
        ),
      );
      const elapsedMs = performance.now() - started;
      const cpuMs = cpuPids.length ? cpu() - cpuBefore : undefined;
      const loadCpuMs = loadCpu() - loadCpuBefore;
      if (cpuMs !== undefined && !Number.isFinite(cpuMs))
        throw new Error(`a measured process (${cpuPids.join(', ')}) died`);
      const latencies = sortedCopy(done.flatMap((answer) => answer.latenciesMs));
      if (options.calls !== undefined && latencies.length !== options.calls) {
        throw new Error(`window made ${latencies.length} calls, expected ${options.calls}`);
      }
      if (latencies.length === 0) throw new Error('window made no calls');
      return {
        calls: latencies.length,
        sessions: options.sessions,
        latencies,
        elapsedMs,
        throughput: (latencies.length * 1000) / elapsedMs,
        cpuMs,
        loadCpuMs,
      };
    } finally {
      await Promise.all(used.map((u) => u.worker.request({ op: 'close' }, 'closed').catch(() => undefined)));
    }
  }

  /** Sessions and calls per worker, as even as possible (calls in proportion to sessions). */
  private shares(options: WindowOptions): Array<{ sessions: number; calls: number }> {
    const n = options.oneWorker ? 1 : Math.min(this.workers.length, options.sessions);
    const shares = this.workers.map(() => ({ sessions: 0, calls: 0 }));
    for (let i = 0; i < options.sessions; i++) shares[i % n].sessions++;
    const total = options.calls ?? 0;
    let assigned = 0;
    shares.forEach((share, i) => {
      share.calls = i === n - 1 ? total - assigned : Math.round((total * share.sessions) / options.sessions);
      assigned += share.calls;
    });
    return shares;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.tracker.stop(worker.process, 3000)));
  }
}
