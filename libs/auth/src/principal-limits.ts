import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GatewayConfig, type RoleConfig } from '@gateway/config';
import type { Principal } from './principal.js';

interface Limits {
  perSecond?: number;
  concurrency?: number;
}

/**
 * `auth.roles.<role>.requests_per_second` and `max_concurrency`, per principal (the most generous of its roles
 * wins). The rate is a token bucket holding one second's worth; concurrency counts POSTs until their response ends
 * (a GET is a standing SSE stream, not work).
 */
@Injectable()
export class PrincipalLimits {
  private readonly roles: Record<string, RoleConfig>;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly active = new Map<string, number>();
  private readonly byRoles = new Map<string, Limits>();

  constructor(config: GatewayConfig) {
    this.roles = config.auth?.roles ?? {};
  }

  admit(principal: Principal, method: string, reply: FastifyReply): void {
    const limits = this.limitsFor(principal.roles);
    if (limits.perSecond !== undefined) this.take(principal.id, limits.perSecond, reply);
    if (limits.concurrency !== undefined && method === 'POST') this.enter(principal.id, limits.concurrency, reply);
  }

  private take(id: string, perSecond: number, reply: FastifyReply): void {
    const now = performance.now();
    const capacity = Math.max(1, perSecond);
    const bucket = this.buckets.get(id) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens < 1) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond))));
      throw new HttpException(`Too many requests from ${id}: more than ${perSecond} per second`, 429);
    }
    bucket.tokens -= 1;
  }

  private enter(id: string, concurrency: number, reply: FastifyReply): void {
    const running = this.active.get(id) ?? 0;
    if (running >= concurrency) {
      void reply.header('retry-after', '1');
      throw new HttpException(
        `Too many requests from ${id} at once: at most ${concurrency} in flight`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.active.set(id, running + 1);
    reply.raw.once('close', () => {
      const left = (this.active.get(id) ?? 1) - 1;
      if (left > 0) this.active.set(id, left);
      else this.active.delete(id);
    });
  }

  private limitsFor(roles: readonly string[]): Limits {
    const key = roles.join('\u0000');
    let limits = this.byRoles.get(key);
    if (!limits) {
      const configured = roles.map((role) => this.roles[role]).filter(Boolean);
      const most = (values: Array<number | undefined>) => {
        const set = values.filter((value): value is number => value !== undefined);
        return set.length ? Math.max(...set) : undefined;
      };
      limits = {
        perSecond: most(configured.map((role) => role.requests_per_second)),
        concurrency: most(configured.map((role) => role.max_concurrency)),
      };
      this.byRoles.set(key, limits);
    }
    return limits;
  }
}
