import type { Logger } from '@nestjs/common';
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { BackendConfig, BackendProtocolSetting } from '@gateway/config';
import { describe } from './backend-errors.js';
import type { BackendState } from './backend-status.js';
import { EraClient, LegacyBackendError, ModernOnlyBackendError, ProbeClosedError } from './era/era-client.js';
import type { BackendEra } from './era/modern-protocol.js';
import type { BackendConnector, Connection } from './transports/backend-connector.js';

/** A stdio server silent this long on server/discover is a legacy one. */
const PROBE_TIMEOUT_MS = 5000;

/** What the lifecycle tells its backend, and asks of it. */
export interface LifecycleHost {
  readonly name: string;
  readonly config: BackendConfig;
  readonly logger: Logger;
  state(): BackendState;
  setState(state: BackendState): void;
  /** Why the backend is not usable now (for status); undefined once it is. */
  setLastError(reason: string | undefined): void;
  /** A connection is open and adopted: the backend listens to it and fills its catalog. */
  onReady(connection: Connection): void;
  /** The connection in use went away (lost, dropped, hibernated or stopped). */
  onGone(): void;
}

export interface LifecycleDeps {
  connector: BackendConnector;
  clientInfo: Implementation;
  connectTimeoutMs: number;
}

/**
 * A backend's shared connection through its states: opened on first use (concurrent callers share one attempt) in
 * the backend's era, replaced after it is lost or dropped, closed for hibernation and on stop. The era of an HTTP
 * backend is remembered between connections until it stops holding; a stdio process is asked each time it starts.
 */
export class ConnectionLifecycle {
  private _connection?: Connection;
  private starting?: Promise<Connection>;
  /** Ends a connect in progress: stopping must not wait out a backend that never finishes its handshake. */
  private startAbort?: AbortController;
  private stopping = false;
  private starts = 0;
  /** The era an HTTP backend answered with last: its next connection skips the probe until that stops holding. */
  private knownEra?: BackendEra;

  constructor(
    private readonly host: LifecycleHost,
    private readonly deps: LifecycleDeps,
  ) {}

  get connection(): Connection | undefined {
    return this._connection;
  }

  get restarts(): number {
    return Math.max(0, this.starts - 1);
  }

  /** Connects if not connected; concurrent callers share one attempt. */
  start(): Promise<Connection> {
    if (this._connection && this.host.state() === 'ready') return Promise.resolve(this._connection);
    this.starting ??= this.connect().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Ends the connection (and a connect in progress) while `alongside` closes what else the backend holds. */
  async stop(alongside: Promise<void>): Promise<void> {
    this.stopping = true;
    this.startAbort?.abort(new Error('the gateway is stopping this backend'));
    const connection = this._connection ?? (await this.starting?.catch(() => undefined));
    this.release();
    await Promise.all([
      connection?.close().catch((error: Error) => this.host.logger.warn(`close failed: ${error.message}`)),
      alongside,
    ]);
    this.host.setState('stopped');
    this.stopping = false;
  }

  /** Closes a ready connection to free its process; the next request opens one again. */
  async hibernate(): Promise<boolean> {
    const connection = this._connection;
    if (!connection || this.host.state() !== 'ready') return false;
    this.release();
    this.host.setState('hibernating');
    await connection.close().catch((error: Error) => this.host.logger.warn(`close failed: ${error.message}`));
    this.host.logger.log('idle: stopped until the next request');
    return true;
  }

  /** Ends a connection that failed (`reason` is what status shows); the next request opens another. */
  async drop(connection: Connection, reason: string): Promise<void> {
    if (this._connection === connection) this.release();
    this.host.setLastError(reason);
    this.host.setState('failed');
    await connection.close().catch(() => undefined);
  }

  /** The backend answered like one of another era: its next connection asks again. */
  forgetEra(): void {
    this.knownEra = undefined;
  }

  private release(): void {
    if (!this._connection) return;
    this._connection = undefined;
    this.host.onGone();
  }

  private async connect(): Promise<Connection> {
    // Waking from hibernation is not a restart.
    if (this.host.state() !== 'hibernating') this.starts++;
    this.host.setState('starting');
    const abort = new AbortController();
    this.startAbort = abort;
    try {
      const connection = await this.connectInEra(abort.signal);
      if (this.stopping) {
        await connection.close();
        throw new Error('backend is stopping');
      }
      this.adopt(connection);
      return connection;
    } catch (error) {
      const reason = describe(error);
      this.host.setLastError(reason);
      this.host.setState('failed');
      this.host.logger.warn(`failed to start: ${reason}`);
      throw error;
    } finally {
      if (this.startAbort === abort) this.startAbort = undefined;
    }
  }

  /** `protocol: auto` probes built-in transports; a host's own connector speaks legacy unless told `modern`. */
  private get protocol(): BackendProtocolSetting {
    const config = this.host.config;
    return config.custom && config.protocol === 'auto' ? 'legacy' : config.protocol;
  }

  /**
   * Opens a connection in the backend's era: probed unless `protocol` says, or an HTTP backend's last answer is
   * taken as known. A cached answer that no longer holds (a modern backend now legacy, or the reverse) is dropped and
   * the era asked again; a stdio process that exits on the probe is a legacy server, started again to initialize.
   */
  private async connectInEra(signal: AbortSignal): Promise<Connection> {
    const { name, config, logger } = this.host;
    const setting = this.protocol;
    const cached = setting === 'auto' && config.kind !== 'stdio' ? this.knownEra : undefined;
    const attempt = (protocol: BackendProtocolSetting) =>
      this.deps.connector.connect({
        name,
        config,
        timeoutMs: this.deps.connectTimeoutMs,
        createClient: (options) =>
          new EraClient(
            this.deps.clientInfo,
            {},
            {
              protocol: options?.protocol ?? protocol,
              backend: name,
              transport: options?.transport ?? 'stdio',
              probeTimeoutMs: Math.min(PROBE_TIMEOUT_MS, this.deps.connectTimeoutMs),
            },
          ),
        protocol,
        onStderrLine: (line) => logger.log(line),
        signal,
      });
    let connection: Connection;
    try {
      connection = await attempt(cached ?? setting);
    } catch (error) {
      const stale = cached && (error instanceof LegacyBackendError || error instanceof ModernOnlyBackendError);
      if (stale) logger.log(`no longer speaks the ${cached} protocol; asking its era again`);
      else if (error instanceof ProbeClosedError && setting === 'auto') logger.log(error.message);
      else throw error;
      this.knownEra = undefined;
      connection = await attempt(error instanceof ProbeClosedError ? 'legacy' : setting);
    }
    const client = connection.client;
    this.knownEra = client instanceof EraClient ? client.era : 'legacy';
    return connection;
  }

  private adopt(connection: Connection): void {
    this._connection = connection;
    const { client } = connection;
    client.onclose = () => void this.onLost(connection);
    client.onerror = (error) => this.host.logger.debug(`transport error: ${error.message}`);
    this.host.setLastError(undefined);
    this.host.setState('ready');
    this.host.onReady(connection);
  }

  private async onLost(connection: Connection): Promise<void> {
    if (this._connection !== connection || this.stopping) return;
    this.release();
    const exit = 'exitInfo' in connection.transport ? (connection.transport.exitInfo as string | undefined) : undefined;
    const reason = exit ? `process ${exit}` : 'connection closed';
    this.host.setLastError(reason);
    this.host.setState('failed');
    this.host.logger.warn(`connection lost: ${reason}; it restarts on next use`);
    await connection.close().catch(() => undefined);
  }
}
