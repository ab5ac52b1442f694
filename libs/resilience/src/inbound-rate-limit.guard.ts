import { createHash } from 'node:crypto';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { principalOf } from '@gateway/auth';
import { GatewayConfig, type InboundRateLimitConfig } from '@gateway/config';

/** Named `default` so the headers are the standard ones: Retry-After, X-RateLimit-Limit/-Remaining/-Reset. */
export const INBOUND_THROTTLER = 'default';

/**
 * `server.rate_limit`, per client: `burst` requests in a window of burst/requests_per_second seconds, so the
 * long-run rate is requests_per_second. Beyond it: HTTP 429 with Retry-After (seconds).
 */
export function inboundThrottlerOptions(config: GatewayConfig): ThrottlerModuleOptions {
  const { requests_per_second: perSecond, burst } = config.server.rate_limit;
  return {
    throttlers: [
      {
        name: INBOUND_THROTTLER,
        limit: burst,
        ttl: Math.max(1, Math.ceil((1000 * burst) / perSecond)),
        blockDuration: 0,
      },
    ],
  };
}

/**
 * The client is its authenticated principal (with `auth`), else its API key (Authorization bearer or X-API-Key,
 * hashed), else its MCP session, else its IP. One budget per client across every route.
 */
@Injectable()
export class InboundRateLimitGuard extends ThrottlerGuard {
  private readonly limits: InboundRateLimitConfig;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    config: GatewayConfig,
  ) {
    super(options, storage, reflector);
    this.limits = config.server.rate_limit;
  }

  /** Probes and scrapes carry @SkipThrottle(), which the base guard reads per route (any global prefix). */
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !this.limits.enabled || context.getType() !== 'http';
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    // With `auth` on, the auth guard ran first: the client is the principal it verified, never a presented string.
    const principal = principalOf(req);
    if (principal) return `principal:${principal.id}`;
    const headers = (req.headers ?? {}) as Record<string, string | string[] | undefined>;
    const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
    const apiKey =
      authorization?.replace(/^Bearer\s+/i, '') ||
      (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : '');
    if (apiKey) return `key:${createHash('sha256').update(apiKey).digest('hex')}`;
    const session = headers['mcp-session-id'];
    if (typeof session === 'string' && session) return `session:${session}`;
    return `ip:${String(req.ip)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { requests_per_second: perSecond, burst } = this.limits;
    throw new ThrottlerException(
      `Too many requests from this client: more than ${perSecond} per second (burst ${burst}); ` +
        `retry in ${detail.timeToBlockExpire}s`,
    );
  }
}
