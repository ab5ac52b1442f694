import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '@gateway/config';
import { jsonRpcFrameworkErrors } from '@gateway/meta-mcp';
import { AppModule } from './app.module.js';
import { requestId } from './logging.options.js';
import { installRequestLogging } from './request-logging.js';

export interface StartOptions {
  isTerminal?: boolean;
  /** Let the caller (tests) own the process: no signal handlers, no process.exit. */
  handleSignals?: boolean;
}

/** Builds and starts the gateway on the configured host and port. Shared by main.ts and the end-to-end tests. */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    return503OnClosing: true,
    // Connections still open when the HTTP server closes are cut: by then the drain (GracefulShutdown) has waited
    // for in-flight requests, so what is left is keep-alive sockets and GET streams. 'idle' waited on those for
    // seconds, and backends are only stopped after the HTTP server has closed.
    forceCloseConnections: true,
    // Caps the parsers Fastify owns (form bodies); /mcp's JSON parser enforces the same limit itself.
    bodyLimit: config.server.max_body_size,
    // The id every log line of a request carries (`req-1` and so on otherwise).
    genReqId: requestId,
    // Fastify's own refusals (undecodable URL, 414, malformed HTTP) as JSON-RPC errors, like every other.
    ...jsonRpcFrameworkErrors,
  });
  // Ahead of Nest's middleware and every module's hook, so even a request they refuse is logged with its id.
  const logging: { logger?: PinoLogger } = {};
  installRequestLogging(adapter.getInstance(), () => logging.logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, {
    bufferLogs: true,
    // A module that fails to start throws to the caller (main.ts logs it and exits 1) instead of Nest's process.exit.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  logging.logger = await app.resolve(PinoLogger);
  app.flushLogs();
  await app.listen(config.server.port, config.server.host);
  if (options.handleSignals) {
    closeOnSignals(app, config);
    logUnhandledRejections(app);
  }
  return app;
}

/**
 * A promise some background path forgot to handle (one backend's stream, a timer) is logged, not fatal: ending the
 * process would cut every other client's session and every backend with it.
 */
function logUnhandledRejections(app: NestFastifyApplication): void {
  process.on('unhandledRejection', (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    app.get(Logger).error(`unhandled rejection (the gateway keeps running): ${text}`);
  });
}

function closeOnSignals(app: NestFastifyApplication, config: GatewayConfig): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.get(Logger).log(`${signal} received, shutting down`);
    // Failsafe beyond the drain window: never hang forever on a stuck close.
    setTimeout(() => process.exit(1), config.server.shutdown_timeout + 10_000).unref();
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        app.get(Logger).error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
