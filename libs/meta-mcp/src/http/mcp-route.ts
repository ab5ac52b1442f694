import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/**
 * Marks a handler as an MCP route in its Fastify route config. The gateway's HTTP rules (JSON-RPC body parsing,
 * Origin and Host checks, the body-size cap, the SSE gauge) apply to marked routes only, so a host app's own routes
 * stay plain Nest routes and a global prefix changes nothing.
 */
export const McpRoute = (): MethodDecorator => applyDecorators(RouteConfig({ mcp: true }));

/** Whether the route Fastify matched for `request` is an MCP route (see McpRoute). */
export function isMcpRoute(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { mcp?: boolean } | undefined)?.mcp === true;
}
