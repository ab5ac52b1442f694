import { Module } from '@nestjs/common';
import { AuthModule } from '@gateway/auth';
import { BackendsModule, EXTRA_BACKEND_CONNECTORS } from '@gateway/backends';
import { GatewayConfig, GatewayConfigModule, loadGatewayConfig, loadGatewayConfigFromObject } from '@gateway/config';
import { HealthModule } from '@gateway/health';
import { CALL_INTERCEPTORS, CUSTOM_SESSION_EVENT_STORE, MetaMcpModule } from '@gateway/meta-mcp';
import { MetricsModule } from '@gateway/metrics';
import { ResilienceModule } from '@gateway/resilience';
import { GATEWAY_MODULE_OPTIONS, GatewayModuleBase, type GatewayModuleOptions } from './gateway.module-definition.js';
import { ConfigReloader } from './lifecycle/config-reloader.service.js';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.service.js';

/** The options' config, validated: a ConfigError (every bad key, one line each) fails the module's start. */
export function resolveGatewayConfig(options: GatewayModuleOptions): GatewayConfig {
  if (options.config instanceof GatewayConfig) return options.config;
  if (options.config) return loadGatewayConfigFromObject(options.config);
  return loadGatewayConfig({ flags: options.configFile ? { config: options.configFile } : {} });
}

/**
 * The whole gateway as one Nest module: `GatewayModule.forRoot({ config })` or `forRootAsync({ useFactory, inject,
 * imports })` in a host app's imports. Global, so the gateway's libs see what the options carry.
 */
@Module({
  imports: [
    // Reads the options through this module's global export: the config is validated when the app starts.
    GatewayConfigModule.forRootAsync({ useFactory: resolveGatewayConfig, inject: [GATEWAY_MODULE_OPTIONS] }),
    MetricsModule,
    // Before ResilienceModule: its guard must run first, so the inbound rate limit keys on a verified principal.
    AuthModule,
    ResilienceModule,
    BackendsModule,
    HealthModule,
    MetaMcpModule,
  ],
  providers: [
    {
      provide: EXTRA_BACKEND_CONNECTORS,
      useFactory: (options: GatewayModuleOptions) => options.connectors ?? [],
      inject: [GATEWAY_MODULE_OPTIONS],
    },
    {
      provide: CALL_INTERCEPTORS,
      useFactory: (options: GatewayModuleOptions) => options.interceptors ?? [],
      inject: [GATEWAY_MODULE_OPTIONS],
    },
    {
      provide: CUSTOM_SESSION_EVENT_STORE,
      useFactory: (options: GatewayModuleOptions) => options.eventStore,
      inject: [GATEWAY_MODULE_OPTIONS],
    },
    GracefulShutdown,
    ConfigReloader,
  ],
  exports: [GATEWAY_MODULE_OPTIONS, EXTRA_BACKEND_CONNECTORS, CALL_INTERCEPTORS, CUSTOM_SESSION_EVENT_STORE],
})
export class GatewayModule extends GatewayModuleBase {}
