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
} from 'class-validator';
import { IsDuration } from './duration.decorator.js';
import { BackendConfig } from './backend-config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Durations are milliseconds once the config is loaded; key names mirror the YAML file. */
export class ServerConfig {
  @IsString()
  @MinLength(1)
  host = '127.0.0.1';

  @IsInt()
  @Min(0)
  @Max(65535)
  port = 39400;

  @IsDuration()
  request_timeout = 30_000;

  @IsDuration()
  shutdown_timeout = 30_000;
}

export class LoggingConfig {
  @IsIn(LOG_LEVELS)
  level: LogLevel = 'info';

  @IsIn(LOG_FORMATS)
  format: LogFormat = 'auto';
}

export class MetaMcpConfig {
  @IsBoolean()
  enabled = true;

  @IsBoolean()
  cache_tools = true;

  @IsDuration()
  cache_ttl = 300_000;
}

export class CircuitBreakerConfig {
  @IsBoolean()
  enabled = true;

  @IsInt()
  @Min(1)
  failure_threshold = 5;

  @IsInt()
  @Min(1)
  success_threshold = 3;

  @IsDuration()
  reset_timeout = 30_000;
}

export class RetryConfig {
  @IsBoolean()
  enabled = true;

  @IsInt()
  @Min(1)
  @Max(10)
  max_attempts = 3;

  @IsDuration()
  initial_backoff = 100;

  @IsDuration()
  max_backoff = 10_000;
}

export class RateLimitConfig {
  @IsBoolean()
  enabled = true;

  @IsNumber()
  @IsPositive()
  requests_per_second = 100;
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

  /** Validated entry by entry (see loader), so each problem names `backends.<name>.<key>`. */
  @IsOptional()
  backends: Record<string, BackendConfig> = {};

  /** Set by the loader: the file the config came from. Not a YAML key. */
  declare source: string;
}
