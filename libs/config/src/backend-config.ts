import 'reflect-metadata';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  Matches,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import type { InheritEnv } from './child-environment.js';
import { IsByteSize } from './byte-size.decorator.js';
import { IsDuration } from './duration.decorator.js';
import { IsInheritEnv } from './inherit-env.decorator.js';
import { IsStringRecord } from './string-record.decorator.js';

export const BACKEND_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const HTTP_TRANSPORTS = ['streamable_http', 'sse'] as const;
export type HttpTransportKind = (typeof HTTP_TRANSPORTS)[number];
/** A transport a host registered (GatewayModule's `connectors`): a lowercase word other than the built-in ones. */
const CUSTOM_TRANSPORT = /^[a-z][a-z0-9_-]{0,63}$/;
// `string & {}` keeps the built-in names as completions while allowing a connector's own kind.
export type BackendTransportKind = 'stdio' | HttpTransportKind | 'auto' | (string & {});
export const SESSION_MODES = ['auto', 'shared', 'per_client'] as const;
export type SessionModeSetting = (typeof SESSION_MODES)[number];
/** The MCP protocol era spoken to a backend: detected (`auto`), 2026-07-28 and later (`modern`), or 2025-11-25 (`legacy`). */
export const BACKEND_PROTOCOLS = ['auto', 'modern', 'legacy'] as const;
export type BackendProtocolSetting = (typeof BACKEND_PROTOCOLS)[number];

export class BackendConfig {
  /** The executable and its arguments, split like a shell would but never run through one. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  command?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  args: string[] = [];

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  http_url?: string;

  /**
   * With http_url: `streamable_http` or `sse` (unset: try Streamable HTTP, fall back to SSE on 400/404/405).
   * Without command or http_url: the kind of a connector the host registered, which validates `options`.
   */
  @IsOptional()
  @Matches(CUSTOM_TRANSPORT, { message: 'must be streamable_http, sse or the kind of a registered connector' })
  transport?: string;

  /** Free-form settings of a registered connector's transport; that connector validates them. */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description = '';

  @IsBoolean()
  enabled = true;

  /** Per-request timeout for this backend; unset means `server.request_timeout`. */
  @IsOptional()
  @IsDuration()
  timeout?: number;

  /** A stdio backend idle this long is stopped; 0 never stops it. */
  @IsDuration()
  idle_timeout = 0;

  /** Requests sent to this backend at once; more wait in a queue of `max_queue`, beyond which they fail at once. */
  @IsInt()
  @Min(1)
  max_concurrency = 100;

  @IsInt()
  @Min(0)
  max_queue = 100;

  /** Retry any tools/call after a transport failure, not only tools annotated readOnlyHint or idempotentHint. */
  @IsBoolean()
  retry_tool_calls = false;

  @IsStringRecord()
  env: Record<string, string> = {};

  /**
   * What a stdio backend inherits from the gateway's environment besides a minimal set (HOME, PATH, locale, temp
   * dir, ...): `true` for all of it, or a list of names. Its own `env` always applies.
   */
  @IsInheritEnv()
  inherit_env: InheritEnv = false;

  @IsStringRecord()
  headers: Record<string, string> = {};

  @IsOptional()
  @IsString()
  @MinLength(1)
  cwd?: string;

  /** Set by the loader after validation: `command` split into executable and arguments, then `args` appended. */
  declare argv: string[];

  /**
   * `shared`: one connection for all client sessions. `per_client`: one per client session. `auto`: a session whose
   * client can answer sampling, elicitation or roots requests gets its own, so those reach the right client.
   */
  @IsIn(SESSION_MODES)
  session_mode: SessionModeSetting = 'auto';

  /**
   * `auto`: ask the backend (`server/discover`, falling back to `initialize`) and remember the answer until it
   * stops holding. `modern`: 2026-07-28 only (no session; sampling, elicitation and roots as `input_required`).
   * `legacy`: the 2025-11-25 `initialize` handshake only.
   */
  @IsIn(BACKEND_PROTOCOLS)
  protocol: BackendProtocolSetting = 'auto';

  /** Client sessions with a connection of their own at once; beyond it a session uses the shared connection. */
  @IsInt()
  @Min(0)
  max_client_connections = 8;

  /** A client session's own connection unused this long is closed (its next request opens it again); 0: never. */
  @IsDuration()
  client_connection_idle = 300_000;

  /** The largest message a stdio backend may write (one line); a larger one fails its request, naming the backend. */
  @IsByteSize(1024, 1024 ** 3)
  max_message_size = 16 * 1024 ** 2;

  get kind(): BackendTransportKind {
    if (this.command) return 'stdio';
    return this.transport ?? 'auto';
  }

  /** Served by a connector the host registered rather than by stdio or HTTP. */
  get custom(): boolean {
    return !this.command && !this.http_url && this.transport !== undefined;
  }
}
