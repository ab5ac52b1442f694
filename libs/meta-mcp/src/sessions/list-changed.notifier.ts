import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BackendRegistry } from '@gateway/backends';
import { GatewayConfig } from '@gateway/config';
import { ListenHub } from '../modern/listen-hub.service.js';
import { GATEWAY_ROUTE, SessionRegistry } from './session-registry.service.js';

/**
 * When a backend's tool list changes, tells the clients that see those tools: sessions on /mcp/{backend}, and in
 * aggregated mode every /mcp session. (In meta mode /mcp's own list never changes; search sees the new tools.)
 * A backend a reload removes or restarts ends its /mcp/{backend} sessions (their server was that backend's; the
 * client opens a new session) and, in aggregated mode, tells /mcp sessions that its tools are gone.
 */
@Injectable()
export class ListChangedNotifier implements OnModuleInit {
  constructor(
    private readonly registry: BackendRegistry,
    private readonly sessions: SessionRegistry,
    private readonly config: GatewayConfig,
    private readonly listen: ListenHub,
  ) {}

  onModuleInit(): void {
    this.registry.watch(
      (backend) => backend.on('tools', () => this.notify(this.routesOf(backend.name), backend.name)),
      (backend) => {
        for (const session of this.sessions.forRoute(backend.name)) void session.server.close().catch(() => undefined);
        if (!this.config.meta_mcp.enabled) this.notify([GATEWAY_ROUTE], backend.name);
      },
    );
  }

  private routesOf(name: string): string[] {
    return this.config.meta_mcp.enabled ? [name] : [name, GATEWAY_ROUTE];
  }

  private notify(routes: string[], backend: string): void {
    this.listen.toolsChanged(routes, backend);
    for (const route of routes) {
      for (const session of this.sessions.forRoute(route))
        void session.server.sendToolListChanged().catch(() => undefined);
    }
  }
}
