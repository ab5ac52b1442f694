import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/**
 * What a gateway route is, kept in its Fastify route config so that request hooks (which run before Nest's guards)
 * choose by the route Fastify matched, never by URL: a global prefix, a host app's routes and `/health` of the host
 * change nothing. `mcp`: the MCP endpoints (JSON-RPC parsing, Origin/Host checks, body cap, credentials checked early);
 * `probe`: the health routes (answered while draining, not logged); `metrics`: the scrape route (not logged).
 */
export type GatewayRouteKind = 'mcp' | 'probe' | 'metrics';

const KEY = 'gatewayRoute';

/** Marks a handler as a gateway route of `kind`. */
export const GatewayRoute = (kind: GatewayRouteKind): MethodDecorator => RouteConfig({ [KEY]: kind });

/** The kind of the route Fastify matched for `request`; undefined for every other route (and a 404). */
export function gatewayRouteOf(request: Pick<FastifyRequest, 'routeOptions'>): GatewayRouteKind | undefined {
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  return config?.[KEY] as GatewayRouteKind | undefined;
}
