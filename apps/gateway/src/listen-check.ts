import { createServer } from 'node:net';

/** The gateway cannot listen where it is told to; its message is the one line the CLI prints. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Binds `host:port` for a moment and lets go, so a port already in use is reported before any backend process is
 * started (Nest starts backends before its HTTP server listens). Port 0 is always free.
 */
export async function ensureCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw asListenError(error, host, port) ?? error;
  } finally {
    await new Promise<void>((resolve) => (probe.listening ? probe.close(() => resolve()) : resolve()));
  }
}

/** A listen failure as one line naming the address and what to do; undefined for other errors. */
export function asListenError(error: unknown, host: string, port: number): ListenError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const why: Record<string, string> = {
    EADDRINUSE:
      'the address is already in use (another mcp-gateway or another program holds it); stop that or choose another port (--port, server.port)',
    EACCES: 'permission denied (ports below 1024 need privileges); choose a port of 1024 or more (--port, server.port)',
    EADDRNOTAVAIL: 'no network interface of this machine has that address; check --host / server.host',
    ENOTFOUND: 'the host name does not resolve; check --host / server.host',
  };
  const reason = typeof code === 'string' ? why[code] : undefined;
  return reason ? new ListenError(`cannot listen on ${address}: ${reason}`) : undefined;
}
