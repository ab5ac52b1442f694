import { Module } from '@nestjs/common';
import { BackendsModule } from '@gateway/backends';
import { AggregatedCatalogService } from './aggregated/aggregated-catalog.service.js';
import { AggregatedToolsService } from './aggregated/aggregated-tools.service.js';
import { JsonBodyParser } from './http/json-body.parser.js';
import { McpController } from './http/mcp.controller.js';
import { DirectServerFactory } from './servers/direct-server.factory.js';
import { GatewayServerFactory } from './servers/gateway-server.factory.js';
import { ListChangedNotifier } from './sessions/list-changed.notifier.js';
import { SessionRegistry } from './sessions/session-registry.service.js';
import { SharedConnectionRouter } from './sessions/shared-connection.router.js';
import { MetaToolsService } from './tools/meta-tools.service.js';
import { SchemaValidator } from './tools/schema-validator.js';
import { ToolIndexService } from './tools/tool-index.service.js';

@Module({
  imports: [BackendsModule],
  controllers: [McpController],
  providers: [
    JsonBodyParser,
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
  ],
  exports: [SessionRegistry, ToolIndexService],
})
export class MetaMcpModule {}
