import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { Protocol, type RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  InitializeResultSchema,
  LATEST_PROTOCOL_VERSION,
  ResultSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ClientCapabilities,
  type ClientNotification,
  type ClientRequest,
  type Implementation,
  type Request,
  type Result,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { AnySchema, SchemaOutput } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { BackendProtocolSetting } from '@gateway/config';
import { probeOutcomeOf, probeVerdict, type ProbeOutcome } from './era-probe.js';
import {
  MODERN_PROTOCOL_VERSION,
  UNSUPPORTED_PROTOCOL_VERSION,
  supportedVersionsOf,
  withEnvelope,
  type BackendEra,
} from './modern-protocol.js';

const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';

export interface EraClientOptions {
  /** The backend's `protocol` setting. */
  protocol: BackendProtocolSetting;
  /** The backend's name, for errors. */
  backend: string;
  /** stdio: a legacy verdict continues with `initialize` on the same connection. HTTP: the connector starts over. */
  transport: 'stdio' | 'http';
  /** Bound on the `server/discover` probe (a stdio server that never answers it is a legacy one). */
  probeTimeoutMs: number;
}

/** The probe found a legacy server where the connection cannot fall back in place (HTTP), or `protocol: modern` forbids it. */
export class LegacyBackendError extends Error {
  constructor(
    readonly backend: string,
    readonly detail: string,
  ) {
    super(`backend "${backend}" speaks only the legacy protocol (2025-11-25): ${detail}`);
    this.name = 'LegacyBackendError';
  }
}

/** A stdio process ended on the probe: a legacy server to start again and initialize. */
export class ProbeClosedError extends Error {
  constructor(readonly backend: string) {
    super(`backend "${backend}" closed the connection on server/discover`);
    this.name = 'ProbeClosedError';
  }
}

/** A modern-only server refused `initialize` while `protocol: legacy` forbids the modern revision. */
export class ModernOnlyBackendError extends Error {
  constructor(
    readonly backend: string,
    readonly supported: string[],
  ) {
    super(
      `backend "${backend}" refused the legacy initialize handshake: it speaks only ${supported.join(', ')}; ` +
        `set backends.${backend}.protocol to auto or modern`,
    );
    this.name = 'ModernOnlyBackendError';
  }
}

type ClientInternals = {
  _serverCapabilities?: ServerCapabilities;
  _serverVersion?: Implementation;
  _instructions?: string;
};

/**
 * An SDK client that learns its backend's era at connect, as the specification's dual-era client rules say: a
 * `server/discover` probe first (unless `protocol: legacy`), the `initialize` handshake when the answer is not
 * modern. Once modern, every request carries the per-request `_meta` envelope and no notification is sent (a modern
 * server has no session to tell). The SDK's request machinery (timeouts, progress, cancellation) serves both eras.
 */
export class EraClient extends Client {
  private _era?: BackendEra;
  private _negotiated?: string;

  constructor(
    private readonly info: Implementation,
    private readonly clientCapabilities: ClientCapabilities,
    private readonly eraOptions: EraClientOptions,
    options?: ClientOptions,
  ) {
    super(info, { ...options, capabilities: clientCapabilities });
  }

  get era(): BackendEra | undefined {
    return this._era;
  }

  /** The revision in use: the modern one, or what `initialize` agreed on. */
  get negotiatedVersion(): string | undefined {
    return this._era === 'modern' ? MODERN_PROTOCOL_VERSION : this._negotiated;
  }

  override async connect(transport: Transport, options?: RequestOptions): Promise<void> {
    const { protocol, backend } = this.eraOptions;
    if (protocol === 'legacy') {
      await this.connectLegacy(transport, options);
      return;
    }
    await Protocol.prototype.connect.call(this, transport);
    const outcome = await this.probe(options);
    const verdict = probeVerdict(outcome, this.eraOptions.transport);
    const detail = describeOutcome(outcome);
    if (verdict === 'modern') {
      if (this._era === 'modern') return;
      // Modern evidence without a discover result to adopt (capabilities, identity): not a backend we can serve.
      throw new Error(`backend "${backend}" speaks ${MODERN_PROTOCOL_VERSION} but refused server/discover: ${detail}`);
    }
    if (verdict === 'unavailable') throw new Error(`server/discover: ${detail}`);
    if (verdict === 'respawn') throw new ProbeClosedError(backend);
    if (protocol === 'modern' || this.eraOptions.transport !== 'stdio') throw new LegacyBackendError(backend, detail);
    await this.initialize(transport, options);
  }

  override request<T extends AnySchema>(
    request: ClientRequest | Request,
    resultSchema: T,
    options?: RequestOptions,
  ): Promise<SchemaOutput<T>> {
    if (request.method === 'initialize') {
      return super.request(request, resultSchema, options).then((result) => {
        this._negotiated = (result as { protocolVersion?: string }).protocolVersion;
        return result;
      });
    }
    if (this._era !== 'modern') return super.request(request, resultSchema, options);
    const params = withEnvelope(request.params, this.info, this.clientCapabilities);
    if (request.method === 'ping') {
      // 2026-07-28 has no ping; server/discover, which every modern server answers, stands in for it.
      const discover = super.request({ method: 'server/discover', params }, ResultSchema, options);
      return discover.then(() => ({}) as SchemaOutput<T>);
    }
    return super.request({ ...request, params }, resultSchema, options);
  }

  override async notification(notification: ClientNotification): Promise<void> {
    if (this._era !== 'modern') await super.notification(notification);
  }

  /** `protocol: legacy`: the plain handshake; a modern-only server's -32022 becomes an error that says what to set. */
  private async connectLegacy(transport: Transport, options?: RequestOptions): Promise<void> {
    try {
      await super.connect(transport, options);
      this._era = 'legacy';
    } catch (error) {
      throw this.modernOnly(error) ?? error;
    }
  }

  private modernOnly(error: unknown): ModernOnlyBackendError | undefined {
    const outcome = probeOutcomeOf(error);
    if (outcome?.kind !== 'error' || outcome.code !== UNSUPPORTED_PROTOCOL_VERSION) return undefined;
    const supported = supportedVersionsOf(outcome.data);
    return supported.includes(MODERN_PROTOCOL_VERSION)
      ? new ModernOnlyBackendError(this.eraOptions.backend, supported)
      : undefined;
  }

  /**
   * `server/discover`; a modern answer is adopted at once (capabilities, identity, instructions). A -32022 that names
   * our revision among the supported ones is a modern server: the specification says to retry with a mutually
   * supported version rather than fall back, so the probe is sent once more (ours is the only modern one we speak).
   */
  private async probe(options?: RequestOptions, retried = false): Promise<ProbeOutcome> {
    try {
      const result = await super.request(
        { method: 'server/discover', params: withEnvelope(undefined, this.info, this.clientCapabilities) },
        ResultSchema,
        { ...options, timeout: Math.min(options?.timeout ?? Infinity, this.eraOptions.probeTimeoutMs) },
      );
      const supportedVersions = Array.isArray(result.supportedVersions) ? (result.supportedVersions as string[]) : [];
      if (supportedVersions.includes(MODERN_PROTOCOL_VERSION)) this.adoptDiscover(result);
      return { kind: 'result', supportedVersions };
    } catch (error) {
      const outcome = probeOutcomeOf(error);
      if (!outcome) throw error;
      const refusedOurs =
        outcome.kind === 'error' &&
        outcome.code === UNSUPPORTED_PROTOCOL_VERSION &&
        supportedVersionsOf(outcome.data).includes(MODERN_PROTOCOL_VERSION);
      return refusedOurs && !retried ? this.probe(options, true) : outcome;
    }
  }

  private adoptDiscover(result: Result): void {
    const self = this as unknown as ClientInternals;
    const meta = result._meta;
    const info = meta?.[SERVER_INFO_META_KEY] as Implementation | undefined;
    self._serverCapabilities = (result.capabilities as ServerCapabilities | undefined) ?? {};
    self._serverVersion = info ?? { name: this.eraOptions.backend, version: 'unknown' };
    self._instructions = typeof result.instructions === 'string' ? result.instructions : undefined;
    this._era = 'modern';
  }

  /** The legacy handshake on the connection the probe used (Client.connect would start the transport again). */
  private async initialize(transport: Transport, options?: RequestOptions): Promise<void> {
    let result;
    try {
      result = await super.request(
        {
          method: 'initialize',
          params: {
            protocolVersion: LATEST_PROTOCOL_VERSION,
            capabilities: this.clientCapabilities,
            clientInfo: this.info,
          },
        },
        InitializeResultSchema,
        options,
      );
    } catch (error) {
      // A modern server that was too slow for the probe refuses initialize naming its revision: ask again.
      if (this.modernOnly(error) && (await this.probe(options)).kind === 'result' && this._era === 'modern') return;
      throw error;
    }
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(result.protocolVersion)) {
      throw new Error(`Server's protocol version is not supported: ${result.protocolVersion}`);
    }
    this._negotiated = result.protocolVersion;
    const self = this as unknown as ClientInternals;
    self._serverCapabilities = result.capabilities;
    self._serverVersion = result.serverInfo;
    self._instructions = result.instructions;
    transport.setProtocolVersion?.(result.protocolVersion);
    await super.notification({ method: 'notifications/initialized' });
    this._era = 'legacy';
  }
}

function describeOutcome(outcome: ProbeOutcome): string {
  switch (outcome.kind) {
    case 'result':
      return `server/discover offered ${outcome.supportedVersions.join(', ') || 'no version'}`;
    case 'error': {
      const supported = supportedVersionsOf(outcome.data);
      const naming = supported.length ? ` (supported: ${supported.join(', ')})` : '';
      return `server/discover answered error ${outcome.code}${naming}`;
    }
    case 'http':
      return `server/discover answered HTTP ${outcome.status}`;
    case 'timeout':
      return 'server/discover got no answer in time';
    case 'closed':
      return 'the connection closed on server/discover';
  }
}
