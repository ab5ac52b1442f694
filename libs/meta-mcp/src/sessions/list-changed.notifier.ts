import { Injectable } from '@nestjs/common';
import { BackendRegistry } from '@gateway/backends';
import { GatewayConfig } from '@gateway/config';
import { SessionRegistry } from './session-registry.service.js';

/**
 * When a backend's tool list changes, tells the clients that see those tools: sessions on /mcp/{backend}, and in
 * aggregated mode every /mcp session. (In meta mode /mcp's own list never changes; search sees the new tools.)
 */
@Injectable()
export class ListChangedNotifier {
  constructor(registry: BackendRegistry, sessions: SessionRegistry, config: GatewayConfig) {
    for (const backend of registry.list()) {
      backend.on('tools', () => {
        const routes = config.meta_mcp.enabled ? [backend.name] : [backend.name, '/mcp'];
        for (const route of routes) {
          for (const session of sessions.forRoute(route))
            void session.server.sendToolListChanged().catch(() => undefined);
        }
      });
    }
  }
}
