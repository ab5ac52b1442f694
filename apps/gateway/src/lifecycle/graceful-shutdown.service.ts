import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayConfig, gatewayRouteOf } from '@gateway/config';
import { GatewayHealthService } from '@gateway/health';

/**
 * On shutdown: new requests get 503 (readiness turns 503 first), in-flight requests get up to
 * `server.shutdown_timeout` to finish, and only then do sessions and backends close (their own shutdown hooks).
 * Long-lived GET streams are not waited for: they carry no request of their own.
 */
@Injectable()
export class GracefulShutdown implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private inFlight = 0;
  private draining = false;
  private idle?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: GatewayConfig,
    private readonly health: GatewayHealthService,
  ) {}

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRequest', (request, reply, done) => {
      // Probes still answer (by route metadata, under any prefix): live 200, ready 503 while draining.
      if (this.draining && gatewayRouteOf(request) !== 'probe') {
        void reply.code(503).header('connection', 'close').send({ error: 'mcp-gateway is shutting down' });
        return;
      }
      if (request.method !== 'GET') {
        this.inFlight++;
        reply.raw.once('close', () => {
          this.inFlight--;
          if (this.inFlight === 0) this.idle?.();
        });
      }
      done();
    });
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.draining = true;
    this.health.startDraining();
    if (this.inFlight === 0) return;
    this.logger.log(`${signal ?? 'shutdown'}: waiting for ${this.inFlight} in-flight request(s)`);
    const finished = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.config.server.shutdown_timeout);
      this.idle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    if (!finished) this.logger.warn(`shutdown_timeout reached with ${this.inFlight} request(s) still running`);
  }
}
