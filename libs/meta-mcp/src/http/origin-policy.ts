import {
  isLoopbackHost,
  LOOPBACK_HOSTS,
  parseHostPattern,
  parseOriginPattern,
  type HostPattern,
  type OriginPattern,
  type ServerConfig,
} from '@gateway/config';

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };

/**
 * Which browser origins and Host names may reach the gateway. Origin: a request without one (a non-browser client)
 * passes; otherwise it must match `server.allowed_origins`. Host (DNS rebinding): checked when the gateway listens
 * on loopback or `server.allowed_hosts` is set, and must then be localhost, 127.0.0.1, [::1] or an allowed host.
 */
export class OriginPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: OriginPattern[];
  /** Undefined when the Host header is not checked. */
  private readonly hosts?: HostPattern[];

  constructor(server: Pick<ServerConfig, 'host' | 'allowed_origins' | 'allowed_hosts'>) {
    const origins = server.allowed_origins.map(parseOriginPattern);
    this.anyOrigin = origins.includes('*');
    this.origins = origins.filter((origin): origin is OriginPattern => typeof origin === 'object');
    if (isLoopback(server.host) || server.allowed_hosts.length > 0) {
      this.hosts = [...LOOPBACK_HOSTS, ...server.allowed_hosts].flatMap((host) => parseHostPattern(host) ?? []);
    }
  }

  /** Why the Origin header is refused, or undefined when it is absent or allowed. */
  rejectOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined || this.anyOrigin) return undefined;
    const url = parseUrl(origin);
    const scheme = url?.protocol.slice(0, -1);
    const allowed =
      url !== undefined &&
      scheme !== undefined &&
      this.origins.some(
        (pattern) =>
          pattern.scheme === scheme &&
          pattern.host === url.hostname &&
          (pattern.port === '*' || effectivePort(scheme, pattern.port) === effectivePort(scheme, url.port)),
      );
    return allowed ? undefined : `Forbidden: Origin ${origin} is not allowed (server.allowed_origins)`;
  }

  /** Why the Host header is refused, or undefined when it is allowed or not checked. */
  rejectHost(host: string | undefined): string | undefined {
    if (!this.hosts) return undefined;
    const parsed = host === undefined ? undefined : parseHostPattern(host);
    // A loopback address in any spelling (`127.1`, `[::ffff:7f00:1]`) is no rebinding: no DNS name was involved.
    const allowed =
      parsed !== undefined &&
      (isLoopbackLiteral(parsed.host) ||
        this.hosts.some((pattern) => pattern.host === parsed.host && (!pattern.port || pattern.port === parsed.port)));
    return allowed ? undefined : `Forbidden: Host ${host ?? '(none)'} is not allowed (server.allowed_hosts)`;
  }
}

/** True for addresses only this machine can reach: the ones a DNS rebinding attack targets. */
export function isLoopback(bindHost: string): boolean {
  return isLoopbackHost(bindHost);
}

function isLoopbackLiteral(host: string): boolean {
  return host !== 'localhost' && isLoopbackHost(host);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function effectivePort(scheme: string, port: string | undefined): string | undefined {
  return port || DEFAULT_PORTS[scheme];
}
