import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateNested,
  IsNumber,
  IsPositive,
  IsUrl,
} from 'class-validator';
import { IsByteSize } from './byte-size.decorator.js';
import { IsDuration } from './duration.decorator.js';
import { IsAddressList } from './address-list.decorator.js';
import { IsHostList, IsOriginList, LOCALHOST_ORIGINS } from './origin-pattern.js';
import { AuditConfig, AuthConfig } from './auth-config.js';
import { BackendConfig } from './backend-config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Off by default: a gateway on 127.0.0.1 has one client; turn it on when the gateway is shared. */
export class InboundRateLimitConfig {
  @IsBoolean()
  enabled = false;

  @IsPositive()
  @IsNumber()
  requests_per_second = 20;

  /** Requests a client may send at once before the per-second rate applies. */
  @Min(1)
  @IsInt()
  burst = 40;
}

/** Bounds of the in-memory store that lets a client resume an SSE stream with Last-Event-ID. */
export class EventStoreConfig {
  /** Events kept per SSE stream; the oldest go first. */
  @Min(1)
  @IsInt()
  max_events_per_stream = 1000;

  /** Events kept across all sessions; the oldest go first. */
  @Min(1)
  @IsInt()
  max_events = 100_000;

  /** Heap the events kept across all sessions may take (their JSON text plus about 350 bytes each); the oldest go first. */
  @IsByteSize(1024, 16 * 1024 ** 3)
  max_bytes = 64 * 1024 ** 2;
}

/** Durations are milliseconds once the config is loaded; key names mirror the YAML file. Type checks sit nearest
 * the property: class-validator runs decorators bottom-up and only the first problem of a key is reported. */
export class ServerConfig {
  @IsString()
  @MinLength(1)
  host = '127.0.0.1';

  @Min(0)
  @Max(65535)
  @IsInt()
  port = 39400;

  @IsDuration()
  request_timeout = 30_000;

  @IsDuration()
  shutdown_timeout = 30_000;

  /** How long a backend may take to start and answer initialize (a stdio server may be spawned through npx). */
  @IsDuration()
  connect_timeout = 30_000;

  /** The longest a call may run in all, however often progress notifications reset its timeout. */
  @IsDuration()
  max_request_duration = 3_600_000;

  /** Inbound requests per client (API key, else MCP session, else IP); beyond it HTTP 429 with Retry-After. */
  @ValidateNested()
  @Type(() => InboundRateLimitConfig)
  rate_limit = new InboundRateLimitConfig();

  /** Browser origins allowed to call the gateway; requests without an Origin header (non-browser clients) pass. */
  @IsOriginList()
  allowed_origins: string[] = [...LOCALHOST_ORIGINS];

  /** Host header values accepted besides localhost, 127.0.0.1 and [::1]; checked when bound to loopback or when set. */
  @IsHostList()
  allowed_hosts: string[] = [];

  /**
   * Proxies (addresses or CIDR ranges) whose X-Forwarded-For, -Proto and -Host are believed: behind an ingress, the
   * client address (logs, the per-IP rate limit) is then the one the ingress saw. Empty: no proxy is trusted.
   */
  @IsAddressList()
  trust_proxy: string[] = [];

  /** Reload the config file when it changes, as on SIGHUP (backends only; see the README's Hot reload). */
  @IsBoolean()
  watch_config = false;

  /** Larger request bodies get HTTP 413; bytes once loaded. */
  @IsByteSize(1024, 1024 ** 3)
  max_body_size = 4 * 1024 ** 2;

  /** Bytes an SSE stream may have waiting for a client that does not read; beyond it the stream is closed. */
  @IsByteSize(1024, 1024 ** 3)
  stream_buffer = 1024 ** 2;

  /** A request body not fully received this long after it began gets HTTP 408 and its connection closed; 0: never. */
  @IsDuration()
  body_timeout = 30_000;

  /** Live MCP sessions at most; a new one beyond it gets HTTP 503 with Retry-After. */
  @Min(1)
  @IsInt()
  max_sessions = 10_000;

  /** A session unused this long is closed (a client that vanished without DELETE). */
  @IsDuration()
  @Min(1000)
  session_idle_timeout = 30 * 60_000;

  /**
   * A modern (2026-07-28) client answers a legacy backend's sampling, elicitation or roots request by retrying its
   * call with `inputResponses`; the backend's request waits this long for that retry, then fails (a human may be asked).
   */
  @IsDuration()
  @Min(100)
  input_required_timeout = 5 * 60_000;

  @ValidateNested()
  @Type(() => EventStoreConfig)
  event_store = new EventStoreConfig();
}

export class LoggingConfig {
  @IsIn(LOG_LEVELS)
  level: LogLevel = 'info';

  @IsIn(LOG_FORMATS)
  format: LogFormat = 'auto';
}

/** An OpenAI-compatible `/v1/embeddings` endpoint whose vectors join the lexical ranking of gateway_search_tools. */
export class EmbeddingsConfig {
  /** The endpoint itself, e.g. http://127.0.0.1:11434/v1/embeddings. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url!: string;

  @MinLength(1)
  @IsString()
  model!: string;

  /** Sent as `Authorization: Bearer`; never logged nor shown. */
  @IsOptional()
  @MinLength(1)
  @IsString()
  api_key?: string;

  /** Share of the dense ranking in the fused one (reciprocal-rank fusion); the lexical ranking has the rest. */
  @Max(1)
  @IsPositive()
  @IsNumber()
  weight = 0.5;

  /** Longest wait for a query's embedding; past it, lexical search answers alone. */
  @IsDuration()
  timeout = 1_000;
}

export class SearchConfig {
  /** Off unless set. */
  @IsOptional()
  @ValidateNested()
  @Type(() => EmbeddingsConfig)
  embeddings?: EmbeddingsConfig;
}

export class MetaMcpConfig {
  @IsBoolean()
  enabled = true;

  @IsBoolean()
  cache_tools = true;

  @IsDuration()
  cache_ttl = 300_000;

  @ValidateNested()
  @Type(() => SearchConfig)
  search = new SearchConfig();
}

export class CircuitBreakerConfig {
  @IsBoolean()
  enabled = true;

  @Min(1)
  @IsInt()
  failure_threshold = 5;

  @Min(1)
  @IsInt()
  success_threshold = 3;

  @IsDuration()
  reset_timeout = 30_000;
}

export class RetryConfig {
  @IsBoolean()
  enabled = true;

  @Min(1)
  @Max(10)
  @IsInt()
  max_attempts = 3;

  @IsDuration()
  initial_backoff = 100;

  @IsDuration()
  max_backoff = 10_000;
}

export class RateLimitConfig {
  @IsBoolean()
  enabled = true;

  @IsPositive()
  @IsNumber()
  requests_per_second = 100;

  /** Requests a backend may receive at once before the per-second rate applies; unset means requests_per_second. */
  @IsOptional()
  @Min(1)
  @IsInt()
  burst?: number;
}

export class HealthCheckConfig {
  @IsBoolean()
  enabled = true;

  /** How often each running backend is pinged (each backend's timer gets +-20% jitter). */
  @IsDuration()
  @Min(100)
  interval = 10_000;

  @IsDuration()
  @Min(1)
  timeout = 5_000;
}

export class FailsafeConfig {
  @ValidateNested()
  @Type(() => CircuitBreakerConfig)
  circuit_breaker = new CircuitBreakerConfig();

  @ValidateNested()
  @Type(() => RetryConfig)
  retry = new RetryConfig();

  @ValidateNested()
  @Type(() => RateLimitConfig)
  rate_limit = new RateLimitConfig();

  @ValidateNested()
  @Type(() => HealthCheckConfig)
  health_check = new HealthCheckConfig();
}

/** Redis shared by every replica of one gateway (see README, Scaling). */
export class RedisStoreConfig {
  /** `redis://[:password@]host:port[/db]` or `rediss://`; the password is redacted from every log line. */
  @IsUrl({ require_tld: false, protocols: ['redis', 'rediss'], require_protocol: true, require_valid_protocol: true })
  url!: string;

  /** Prepended to every key and channel, so gateways that share one Redis do not see each other's data. */
  @MinLength(1)
  @IsString()
  key_prefix = 'mcp-gateway:';

  /** Longest any request waits on Redis; past it the replica serves from its own state and reports Redis degraded. */
  @IsDuration()
  @Min(1)
  timeout = 500;

  /** How long a session's state stays in Redis after its last request (sliding); defaults to server.session_idle_timeout. */
  @IsOptional()
  @IsDuration()
  @Min(1000)
  session_ttl?: number;

  /** SSE events kept in Redis across all sessions and replicas (each stream keeps server.event_store.max_events_per_stream at most); the oldest go first. */
  @Min(1)
  @IsInt()
  max_events = 100_000;

  /** Size those events may take in Redis (their JSON text and id plus 64 bytes each); the oldest go first. */
  @IsByteSize(1024, 16 * 1024 ** 3)
  max_bytes = 64 * 1024 ** 2;

  /** A replica whose liveness key in Redis is this old is taken as dead: its calls in flight fail at their clients. */
  @IsDuration()
  @Min(500)
  liveness_ttl = 5_000;
}

export class StoreConfig {
  /** Unset: everything in this process's memory (one replica), exactly as without a store section. */
  @IsOptional()
  @ValidateNested()
  @Type(() => RedisStoreConfig)
  redis?: RedisStoreConfig;
}

export class GatewayConfig {
  @ValidateNested()
  @Type(() => ServerConfig)
  server = new ServerConfig();

  @ValidateNested()
  @Type(() => LoggingConfig)
  logging = new LoggingConfig();

  @ValidateNested()
  @Type(() => MetaMcpConfig)
  meta_mcp = new MetaMcpConfig();

  @ValidateNested()
  @Type(() => FailsafeConfig)
  failsafe = new FailsafeConfig();

  /** Client authentication and per-role access; unset: no authentication (loopback only, see auth-config.loader). */
  @IsOptional()
  @ValidateNested()
  @Type(() => AuthConfig)
  auth?: AuthConfig;

  @ValidateNested()
  @Type(() => AuditConfig)
  audit = new AuditConfig();

  @ValidateNested()
  @Type(() => StoreConfig)
  store = new StoreConfig();

  /** Validated entry by entry (see loader), so each problem names `backends.<name>.<key>`. */
  @IsOptional()
  backends: Record<string, BackendConfig> = {};

  /** Set by the loader: the file the config came from. Not a YAML key. */
  declare source: string;
}
