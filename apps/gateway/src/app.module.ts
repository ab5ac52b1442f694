import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@gateway/auth';
import { BackendsModule } from '@gateway/backends';
import { GatewayConfigModule, type GatewayConfig } from '@gateway/config';
import { HealthModule } from '@gateway/health';
import { MetaMcpModule } from '@gateway/meta-mcp';
import { MetricsModule } from '@gateway/metrics';
import { ResilienceModule } from '@gateway/resilience';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.service.js';

/** Composition only: every capability lives in a lib. */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GatewayConfigModule.forRoot(config),
        MetricsModule,
        // Before ResilienceModule: its guard must run first, so the inbound rate limit keys on a verified principal.
        AuthModule,
        ResilienceModule,
        BackendsModule,
        HealthModule,
        MetaMcpModule,
      ],
      providers: [GracefulShutdown],
    };
  }
}
