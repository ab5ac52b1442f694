import { Module } from '@nestjs/common';
import { MetricsModule } from '@gateway/metrics';
import { ResilienceModule } from '@gateway/resilience';
import { BackendHealthChecker } from './backend-health-checker.service.js';
import { BackendRegistry } from './backend-registry.service.js';
import { BackendTelemetry } from './backend-telemetry.service.js';
import { IdleHibernator } from './idle-hibernator.service.js';
import { BACKEND_CONNECTORS, EXTRA_BACKEND_CONNECTORS, type BackendConnector } from './transports/backend-connector.js';
import { HttpConnector } from './transports/http.connector.js';
import { ProcessSpawner } from './transports/process-spawner.js';
import { StdioConnector } from './transports/stdio.connector.js';

@Module({
  imports: [ResilienceModule, MetricsModule],
  providers: [
    ProcessSpawner,
    StdioConnector,
    HttpConnector,
    {
      provide: BACKEND_CONNECTORS,
      useFactory: (stdio: StdioConnector, http: HttpConnector, extra: BackendConnector[] = []) => [
        ...extra,
        stdio,
        http,
      ],
      inject: [StdioConnector, HttpConnector, { token: EXTRA_BACKEND_CONNECTORS, optional: true }],
    },
    BackendRegistry,
    BackendTelemetry,
    BackendHealthChecker,
    IdleHibernator,
  ],
  exports: [BackendRegistry, ProcessSpawner, BackendHealthChecker],
})
export class BackendsModule {}
