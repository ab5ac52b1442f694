import { All, Controller, Logger, Param, Req, Res } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallGates, principalOf, type Principal } from '@gateway/auth';
import { BackendRegistry, BackendUnavailableError, describe, type Backend } from '@gateway/backends';
import { classify } from '../modern/modern-envelope.js';
import { ModernMcpService } from '../modern/modern-mcp.service.js';
import { DirectServerFactory } from '../servers/direct-server.factory.js';
import { GatewayServerFactory } from '../servers/gateway-server.factory.js';
import type { SessionDownstream } from '../sessions/session-downstream.js';
import { GATEWAY_ROUTE, SessionLimitError, SessionRegistry } from '../sessions/session-registry.service.js';
import { JsonRpcCode, sendJsonRpcError } from './json-rpc-reply.js';
import { McpRequestValidator } from './mcp-request.validator.js';
import { McpRoute } from './mcp-route.js';

const MCP_METHODS = new Set(['GET', 'POST', 'DELETE']);

/** Streamable HTTP endpoints: /mcp (Meta-MCP or aggregated) and /mcp/{backend} (one backend, transparent). */
@Controller('mcp')
export class McpController {
  private readonly logger = new Logger(McpController.name);

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly registry: BackendRegistry,
    private readonly gatewayServers: GatewayServerFactory,
    private readonly directServers: DirectServerFactory,
    private readonly validator: McpRequestValidator,
    private readonly gates: CallGates,
    private readonly modern: ModernMcpService,
  ) {}

  @All()
  @McpRoute()
  gateway(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(GATEWAY_ROUTE, req, reply, (downstream) =>
      Promise.resolve(this.gatewayServers.create(downstream)),
    );
  }

  @All(':backend')
  @McpRoute()
  direct(@Param('backend') name: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const backend = this.registry.find(name);
    const principal = principalOf(req);
    if (backend && principal && !this.gates.accessFor(principal).mayUse(name)) {
      const session = req.headers['mcp-session-id'];
      this.gates.refusedBackend(principal, name, name, req.body, typeof session === 'string' ? session : undefined);
      // Like an unknown backend's answer, it names no other backend.
      reply.hijack();
      sendJsonRpcError(
        reply.raw,
        403,
        JsonRpcCode.InvalidRequest,
        `Backend "${name}" is not permitted for this client`,
      );
      return Promise.resolve();
    }
    if (!backend) {
      reply.hijack();
      const known = this.visibleBackends(principal).join(', ') || 'none';
      sendJsonRpcError(
        reply.raw,
        404,
        JsonRpcCode.InvalidRequest,
        `Unknown or disabled backend "${name}". Known: ${known}`,
      );
      return Promise.resolve();
    }
    return this.handle(name, req, reply, (downstream) => this.directServers.create(backend, downstream), backend);
  }

  /** Anything deeper than /mcp/{backend}: an MCP client gets its 404 as a JSON-RPC error, not Nest's default body. */
  @All(':backend/*')
  @McpRoute()
  elsewhere(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.hijack();
    const path = req.url.split('?')[0].slice(0, 200);
    const text = `Not Found: no MCP endpoint at ${path}; MCP is served at /mcp and /mcp/{backend}`;
    sendJsonRpcError(reply.raw, 404, JsonRpcCode.InvalidRequest, text);
  }

  private visibleBackends(principal: Principal | undefined): string[] {
    const access = this.gates.accessFor(principal);
    return this.registry.names().filter((name) => access.mayUse(name));
  }

  private async handle(
    route: string,
    req: FastifyRequest,
    reply: FastifyReply,
    newServer: (downstream: SessionDownstream) => Promise<Server>,
    backend?: Backend,
  ): Promise<void> {
    reply.hijack();
    const res = reply.raw;
    const body = req.body;
    if (!MCP_METHODS.has(req.method)) {
      sendJsonRpcError(res, 405, JsonRpcCode.InvalidRequest, `Method ${req.method} not allowed`, null, {
        allow: 'GET, POST, DELETE',
      });
      return;
    }
    const refusal = this.validator.refuse(req.method, req.headers, body);
    if (refusal) {
      sendJsonRpcError(res, refusal.status, refusal.code, refusal.message, refusal.id, refusal.headers);
      return;
    }
    // The dual-era rule: a POST without a session whose body claims the 2026-07-28 envelope is served statelessly.
    if (req.method === 'POST' && req.headers['mcp-session-id'] === undefined) {
      const classified = classify(req.method, req.headers, body);
      if (classified.kind !== 'legacy') {
        await this.modern.serve(classified, { route, backend, principal: principalOf(req) }, res, body);
        return;
      }
    }
    try {
      const sessionId = req.headers['mcp-session-id'];
      if (typeof sessionId === 'string') {
        // A session opened by another principal is answered as if it did not exist.
        const principal = principalOf(req);
        const session =
          this.sessions.get(sessionId, principal?.id) ??
          (await this.sessions.restore(sessionId, route, newServer, principal));
        if (!session || session.route !== route) {
          sendJsonRpcError(res, 404, JsonRpcCode.SessionNotFound, 'Session not found: initialize a new session');
          return;
        }
        session.transport.handleRequest(req.raw, res, body);
        return;
      }
      if (req.method !== 'POST' || !isInitializeRequest(body)) {
        sendJsonRpcError(
          res,
          400,
          JsonRpcCode.InvalidRequest,
          'Bad Request: send initialize first, then the Mcp-Session-Id header it returns',
        );
        return;
      }
      const session = await this.sessions.open(route, newServer, principalOf(req));
      session.transport.handleRequest(req.raw, res, body);
    } catch (error) {
      const id = (body as { id?: string | number } | undefined)?.id ?? null;
      if (error instanceof BackendUnavailableError) {
        sendJsonRpcError(res, 503, JsonRpcCode.InternalError, error.message, id);
        return;
      }
      if (error instanceof SessionLimitError) {
        const retryAfter = String(Math.ceil(error.retryAfterMs / 1000));
        sendJsonRpcError(res, 503, JsonRpcCode.TransportRefused, error.message, id, { 'retry-after': retryAfter });
        return;
      }
      this.logger.error(`${req.method} ${req.url} failed: ${describe(error)}`);
      sendJsonRpcError(res, 500, JsonRpcCode.InternalError, `Internal error: ${describe(error)}`, id);
    }
  }
}
