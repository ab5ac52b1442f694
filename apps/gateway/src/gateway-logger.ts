import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import type { Bindings, Logger as PinoInstance } from 'pino';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger on top of one pino logger, with a logging context per request: a line logged while serving a request
 * carries that request (runInContext). In place of nestjs-pino, whose releases for Nest 12 require Node 22; the
 * records keep its shape (`context` from Nest's Logger, `err` for errors).
 */
export class GatewayLogger implements LoggerService {
  private readonly storage = new AsyncLocalStorage<PinoInstance>();

  constructor(readonly root: PinoInstance) {}

  /** The current request's logger, or the root one outside a request. */
  get logger(): PinoInstance {
    return this.storage.getStore() ?? this.root;
  }

  /** Runs `fn` in a logging context whose lines carry `bindings`, across every await inside it. */
  runInContext<T>(fn: () => T, bindings: Bindings): T {
    return this.storage.run(this.root.child(bindings), fn);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.call('trace', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.call('debug', message, optionalParams);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.call('info', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.call('warn', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.call('error', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.call('fatal', message, optionalParams);
  }

  /** Nest passes the context name last (`new Logger('Backends').log(msg)` calls `log(msg, 'Backends')`). */
  private call(level: Level, message: unknown, optionalParams: unknown[]): void {
    const record: Record<string, unknown> = {};
    let params = optionalParams;
    if (params.length > 0) {
      record.context = params[params.length - 1];
      params = params.slice(0, -1);
    }
    const log = this.logger;
    if (message instanceof Error) {
      record.err = message;
      log[level](record, ...(params as []));
    } else if (typeof message === 'object' && message !== null) {
      log[level](Object.assign(record, message), ...(params as []));
    } else if (level === 'error' && isStack(params)) {
      // Nest's exception handlers call error(message, stack).
      const err = new Error(String(message));
      err.stack = params[0] as string;
      log.error({ ...record, err });
    } else {
      log[level](record, String(message), ...(params as []));
    }
  }
}

function isStack(params: unknown[]): boolean {
  return params.length === 1 && typeof params[0] === 'string' && /\n\s*at /.test(params[0]);
}
