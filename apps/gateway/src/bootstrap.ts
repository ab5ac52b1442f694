import 'reflect-metadata';
import { Logger, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import type { GatewayConfig } from '@gateway/config';
import { jsonRpcFrameworkErrors } from '@gateway/meta-mcp';
import { AppModule } from './app.module.js';
import { ConfigReloader } from './lifecycle/config-reloader.service.js';
import { bindWarning } from './bind-warning.js';
import { GatewayLogger } from './gateway-logger.js';
import { asListenError, ensureCanListen } from './listen-check.js';
import { loggingOptions, requestId } from './logging.options.js';
import { installRequestLogging } from './request-logging.js';

export interface StartOptions {
  isTerminal?: boolean;
  /** Let the caller (tests) own the process: no signal handlers, no process.exit. */
  handleSignals?: boolean;
  /** The host's own modules, started with the gateway (their routes beside /mcp). */
  imports?: ModuleMetadata['imports'];
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
    // request.ip and X-Forwarded-* believed only from these (server.trust_proxy); none by default.
    ...(config.server.trust_proxy.length ? { trustProxy: config.server.trust_proxy } : {}),
    // The id every log line of a request carries (`req-1` and so on otherwise).
    genReqId: requestId,
    // Fastify's own refusals (undecodable URL, 414, malformed HTTP) as JSON-RPC errors, like every other.
    ...jsonRpcFrameworkErrors,
  });
  const { host, port } = config.server;
  await ensureCanListen(host, port);
  const logger = new GatewayLogger(pino(loggingOptions(config, options.isTerminal ?? false)));
  // Ahead of Nest's middleware and every module's hook, so even a request they refuse is logged with its id.
  installRequestLogging(adapter.getInstance(), logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.imports), adapter, {
    logger,
    // A module that fails to start throws to the caller (main.ts logs it and exits 1) instead of Nest's process.exit.
    abortOnError: false,
  });
  try {
    await app.listen(port, host);
  } catch (error) {
    // Taken since the check (or refused for another reason): stop the backends that started meanwhile.
    await app.close().catch(() => undefined);
    throw asListenError(error, host, port) ?? error;
  }
  const address = app.getHttpServer().address();
  const warning = bindWarning({ ...config.server, port: typeof address === 'object' && address ? address.port : port });
  if (warning) new Logger('Gateway').warn(warning);
  if (options.handleSignals) {
    closeOnSignals(app, config);
    logUnhandledRejections();
  }
  return app;
}

/**
 * A promise some background path forgot to handle (one backend's stream, a timer) is logged, not fatal: ending the
 * process would cut every other client's session and every backend with it.
 */
function logUnhandledRejections(): void {
  process.on('unhandledRejection', (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    new Logger('Gateway').error(`unhandled rejection (the gateway keeps running): ${text}`);
  });
}

function closeOnSignals(app: NestFastifyApplication, config: GatewayConfig): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const logger = new Logger('Gateway');
    logger.log(`${signal} received, shutting down`);
    // Failsafe beyond the drain window: never hang forever on a stuck close.
    setTimeout(() => process.exit(1), config.server.shutdown_timeout + 10_000).unref();
    const started = Date.now();
    app.close().then(
      () => {
        logger.log(`shutdown complete in ${Date.now() - started} ms`);
        process.exit(0);
      },
      (error: Error) => {
        logger.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  // Hot reload (ConfigReloader): a refused config is logged there and changes nothing.
  const reloader = app.get(ConfigReloader);
  process.on('SIGHUP', () => {
    reloader.reload().catch((error: Error) => new Logger('Gateway').error(`config reload failed: ${error.message}`));
  });
}
