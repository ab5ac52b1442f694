import { Module } from '@nestjs/common';
import { BackendRegistry } from './backend-registry.service.js';
import { BACKEND_CONNECTORS } from './transports/backend-connector.js';
import { HttpConnector } from './transports/http.connector.js';
import { ProcessSpawner } from './transports/process-spawner.js';
import { StdioConnector } from './transports/stdio.connector.js';

@Module({
  providers: [
    ProcessSpawner,
    StdioConnector,
    HttpConnector,
    {
      provide: BACKEND_CONNECTORS,
      useFactory: (...connectors: unknown[]) => connectors,
      inject: [StdioConnector, HttpConnector],
    },
    BackendRegistry,
  ],
  exports: [BackendRegistry, ProcessSpawner],
})
export class BackendsModule {}
