import { isLoopbackHost, type ServerConfig } from '@gateway/config';

/**
 * What to say, loudly, when the gateway listens where other machines can reach it: it has no authentication yet, so
 * whoever reaches the port can call every backend's tools (and the Host check against DNS rebinding is off unless
 * `server.allowed_hosts` is set). Undefined on loopback in any spelling (`127.1`, `::ffff:127.0.0.1`, `localhost`).
 */
export function bindWarning(server: Pick<ServerConfig, 'host' | 'port' | 'allowed_hosts'>): string | undefined {
  if (isLoopbackHost(server.host)) return undefined;
  const hostCheck =
    server.allowed_hosts.length > 0
      ? 'the Host header is limited to server.allowed_hosts'
      : 'no Host header check either: server.allowed_hosts would add one';
  return (
    `SECURITY: listening on ${server.host}:${server.port}, reachable from other machines, WITHOUT AUTHENTICATION: ` +
    `anyone who can reach this port can call every backend's tools and read their results; ${hostCheck}. ` +
    'Bind 127.0.0.1 (server.host), or put the gateway behind a proxy that authenticates and a firewall.'
  );
}
