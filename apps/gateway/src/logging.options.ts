import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { SecretRedactor, type GatewayConfig } from '@gateway/config';
import type { Params } from 'nestjs-pino';

/** Response headers that carry credentials (the request's never reach a record: see requestRecord). */
const REDACTED = ['res.headers["set-cookie"]'];

/** The headers an access line keeps: who called, through what, in which MCP session. No credential is among them. */
const LOGGED_HEADERS = ['user-agent', 'x-forwarded-for', 'mcp-session-id', 'mcp-protocol-version'] as const;

/**
 * The request as every line logged while serving it shows it. Not pino's default, which copies every header: pino
 * redacts and serializes that record once per request, even at levels that never write it (about 5% of the gateway's
 * CPU per proxied call), and credentials then only stay out by redaction. Every record with a `req` goes through
 * this serializer, so a request's credential headers are never logged and need no redaction path.
 */
export function requestRecord(req: SerializedRequest): Record<string, unknown> {
  const headers: Record<string, string | string[]> = {};
  for (const name of LOGGED_HEADERS) {
    const value = req.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  const { id, method, url, remoteAddress, remotePort } = req;
  return { id, method, url, headers, remoteAddress, remotePort };
}

/** What pino-http hands a request serializer (pino-std-serializers' record of the raw request). */
interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: IncomingHttpHeaders;
  remoteAddress?: string;
  remotePort?: number;
}

/** pino: text on a terminal (or when asked), JSON otherwise; request records as requestRecord() makes them. */
export function loggingOptions(config: GatewayConfig, isTerminal: boolean): Params {
  const text = config.logging.format === 'text' || (config.logging.format === 'auto' && isTerminal);
  // Values from backend env and headers (API keys, tokens) never reach a log line, wherever they turn up.
  const secrets = new SecretRedactor(config);
  return {
    // No Nest middleware: request-logging.ts gives each request its logging context and access line from a Fastify
    // hook. pinoHttp below configures the root logger those use.
    forRoutes: [],
    pinoHttp: {
      level: config.logging.level,
      redact: { paths: REDACTED, censor: '***' },
      serializers: { req: requestRecord },
      hooks: {
        logMethod(args, method) {
          method.apply(this, secrets.redactDeep(args));
        },
      },
      formatters: { log: (record) => secrets.redactDeep(record) },
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
