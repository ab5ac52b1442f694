import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { stdSerializers, type LoggerOptions } from 'pino';
import { SecretRedactor, sessionTag, type GatewayConfig } from '@gateway/config';

/** The headers an access line keeps: who called, through what, in which MCP session. No credential is among them. */
const LOGGED_HEADERS = ['user-agent', 'x-forwarded-for', 'mcp-session-id', 'mcp-protocol-version'] as const;

function withSessionTag<T extends IncomingHttpHeaders | OutgoingHttpHeaders>(headers: T): T {
  const id = headers['mcp-session-id'];
  return typeof id === 'string' ? { ...headers, 'mcp-session-id': sessionTag(id) } : headers;
}

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
  return { id, method, url, headers: withSessionTag(headers), remoteAddress, remotePort };
}

/** The response of an access line: its status (null when none was sent) and headers, the session id shortened. */
export function responseRecord(res: ServerResponse): Record<string, unknown> {
  const headers = withSessionTag(res.getHeaders());
  if (headers['set-cookie'] !== undefined) headers['set-cookie'] = '***';
  return { statusCode: res.headersSent ? res.statusCode : null, headers };
}

/** What pino-std-serializers makes of a raw request. */
interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: IncomingHttpHeaders;
  remoteAddress?: string;
  remotePort?: number;
}

/** pino: text on a terminal (or when asked), JSON otherwise; request and response records as made above. */
export function loggingOptions(config: GatewayConfig, isTerminal: boolean): LoggerOptions {
  const text = config.logging.format === 'text' || (config.logging.format === 'auto' && isTerminal);
  // Backend credentials (API keys, tokens) never reach a log line, wherever they turn up. The formatter runs before
  // the serializers and leaves the raw request and response to them, so their output is redacted too.
  const secrets = SecretRedactor.forConfig(config);
  return {
    level: config.logging.level,
    serializers: {
      req: stdSerializers.wrapRequestSerializer((req) => secrets.redactDeep(requestRecord(req))),
      res: (res: ServerResponse) => secrets.redactDeep(responseRecord(res)),
      err: (err: Error) => secrets.redactDeep(stdSerializers.err(err)),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, secrets.redactDeep(args));
      },
    },
    formatters: { log: (record) => secrets.redactDeep(record) },
    base: { pid: process.pid, hostname: hostname(), service: 'mcp-gateway' },
    ...(text
      ? {
          transport: {
            target: 'pino-pretty',
            options: { singleLine: true, colorize: isTerminal, translateTime: 'SYS:HH:MM:ss.l' },
          },
        }
      : {}),
  };
}

/** The caller's X-Request-Id when it is a sane one, else a new UUID: the id every log line of a request carries. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
}
