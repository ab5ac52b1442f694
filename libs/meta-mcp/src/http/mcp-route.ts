import type { FastifyRequest } from 'fastify';
import { GatewayRoute, gatewayRouteOf } from '@gateway/config';

/**
 * Marks a handler as an MCP route in its Fastify route config. The gateway's HTTP rules (JSON-RPC body parsing,
 * Origin and Host checks, the body-size cap, the SSE gauge, the early credential check) apply to marked routes only,
 * so a host app's own routes stay plain Nest routes and a global prefix changes nothing.
 */
export const McpRoute = (): MethodDecorator => GatewayRoute('mcp');

/** Whether the route Fastify matched for `request` is an MCP route (see McpRoute). */
export function isMcpRoute(request: FastifyRequest): boolean {
  return gatewayRouteOf(request) === 'mcp';
}
