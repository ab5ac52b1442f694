import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage } from 'node:http';
import { SecretRedactor, type GatewayConfig } from '@gateway/config';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';

/** Headers that carry credentials; never logged. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/** pino: text on a terminal (or when asked), JSON otherwise; health probes and metric scrapes not logged; every line has a request id. */
export function loggingOptions(config: GatewayConfig, isTerminal: boolean): Params {
  const text = config.logging.format === 'text' || (config.logging.format === 'auto' && isTerminal);
  // Values from backend env and headers (API keys, tokens) never reach a log line, wherever they turn up.
  const secrets = new SecretRedactor(config);
  return {
    // nestjs-pino's default route pattern ({/*splat}) matches nothing under Nest 12 with Fastify, which would leave
    // requests without access lines or request ids.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logging.level,
      redact: { paths: REDACTED, censor: '***' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, secrets.redactDeep(args));
        },
      },
      formatters: { log: (record) => secrets.redactDeep(record) },
      // Fastify assigns the id before this logger sees the request (requestId below); pino-http keeps it.
      genReqId: requestId,
      autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '') },
      // On the root logger, not customProps: that made a second child logger for every request.
      base: { pid: process.pid, hostname: hostname(), service: 'mcp-gateway' },
      ...(text
        ? {
            transport: {
              target: 'pino-pretty',
              options: { singleLine: true, colorize: isTerminal, translateTime: 'SYS:HH:MM:ss.l' },
            },
          }
        : {}),
    },
  };
}

/** The caller's X-Request-Id when it is a sane one, else a new UUID: the id every log line of a request carries. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
}
