import { Module } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { AuthModule } from '@gateway/auth';
import { BackendsModule } from '@gateway/backends';
import { HealthModule } from '@gateway/health';
import { MetricsModule } from '@gateway/metrics';
import { RedisEventLog, RedisSessionDirectory, StoreModule } from '@gateway/store';
import { AggregatedCatalogService } from './aggregated/aggregated-catalog.service.js';
import { AggregatedToolsService } from './aggregated/aggregated-tools.service.js';
import { BodySizeHook } from './http/body-size.hook.js';
import { JsonBodyParser } from './http/json-body.parser.js';
import { McpController } from './http/mcp.controller.js';
import { InputRequiredRelay } from './modern/input-required.relay.js';
import { InMemoryInputRequiredStore, InputRequiredStore } from './modern/input-required.store.js';
import { ListenHub } from './modern/listen-hub.service.js';
import { ModernMcpService } from './modern/modern-mcp.service.js';
import { ModernSlots } from './modern/modern-slots.js';
import { McpMetricsHook } from './http/mcp-metrics.hook.js';
import { McpRequestValidator } from './http/mcp-request.validator.js';
import { OriginCheckHook } from './http/origin-check.hook.js';
import { CUSTOM_SESSION_EVENT_STORE, SessionEventStore, SharedSessions } from './meta-mcp.tokens.js';
import { InMemoryEventStore } from './resumability/in-memory-event-store.js';
import { RedisEventStore } from './resumability/redis-event-store.js';
import { DirectServerFactory } from './servers/direct-server.factory.js';
import { GatewayServerFactory } from './servers/gateway-server.factory.js';
import { ListChangedNotifier } from './sessions/list-changed.notifier.js';
import { SessionRegistry } from './sessions/session-registry.service.js';
import { SharedConnectionRouter } from './sessions/shared-connection.router.js';
import { MetaToolsService } from './tools/meta-tools.service.js';
import { SchemaValidator } from './tools/schema-validator.js';
import { ToolIndexService } from './tools/tool-index.service.js';

@Module({
  imports: [AuthModule, BackendsModule, MetricsModule, HealthModule, StoreModule],
  controllers: [McpController],
  providers: [
    OriginCheckHook,
    BodySizeHook,
    JsonBodyParser,
    McpRequestValidator,
    InMemoryEventStore,
    // A host's store (GatewayModule's eventStore option) wins; with store.redis, events and sessions are shared by the
    // replicas; without either, this process alone holds them.
    {
      provide: SessionEventStore,
      inject: [GatewayConfig, InMemoryEventStore, RedisEventLog, { token: CUSTOM_SESSION_EVENT_STORE, optional: true }],
      useFactory: (
        config: GatewayConfig,
        local: InMemoryEventStore,
        log: RedisEventLog,
        custom?: SessionEventStore,
      ): SessionEventStore => custom ?? (config.store.redis ? new RedisEventStore(local, log) : local),
    },
    {
      provide: SharedSessions,
      inject: [GatewayConfig, RedisSessionDirectory],
      useFactory: (config: GatewayConfig, directory: RedisSessionDirectory) => (config.store.redis ? directory : null),
    },
    SessionRegistry,
    GatewayServerFactory,
    DirectServerFactory,
    MetaToolsService,
    AggregatedToolsService,
    AggregatedCatalogService,
    ToolIndexService,
    SchemaValidator,
    ListChangedNotifier,
    SharedConnectionRouter,
    McpMetricsHook,
    // Modern (2026-07-28) clients: calls waiting for an input_required retry live in this process unless a shared
    // store is bound instead; with store.redis a retry reaching another replica is relayed to this one.
    InMemoryInputRequiredStore,
    { provide: InputRequiredStore, useExisting: InMemoryInputRequiredStore },
    InputRequiredRelay,
    ListenHub,
    ModernSlots,
    ModernMcpService,
  ],
  exports: [SessionRegistry, ToolIndexService],
})
export class MetaMcpModule {}
