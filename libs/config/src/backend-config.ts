import 'reflect-metadata';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import { IsDuration } from './duration.decorator.js';
import { IsStringRecord } from './string-record.decorator.js';

export const BACKEND_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const HTTP_TRANSPORTS = ['streamable_http', 'sse'] as const;
export type HttpTransportKind = (typeof HTTP_TRANSPORTS)[number];
export type BackendTransportKind = 'stdio' | HttpTransportKind | 'auto';

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

  /** Unset: try Streamable HTTP, fall back to SSE on 400/404/405. */
  @IsOptional()
  @IsIn(HTTP_TRANSPORTS)
  transport?: HttpTransportKind;

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

  @IsStringRecord()
  env: Record<string, string> = {};

  @IsStringRecord()
  headers: Record<string, string> = {};

  @IsOptional()
  @IsString()
  @MinLength(1)
  cwd?: string;

  /** Set by the loader after validation: `command` split into executable and arguments, then `args` appended. */
  declare argv: string[];

  get kind(): BackendTransportKind {
    if (this.command) return 'stdio';
    return this.transport ?? 'auto';
  }
}
