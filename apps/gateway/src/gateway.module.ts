import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ConfigModule, registerAs, type ConfigFactory } from '@nestjs/config';
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

/** The namespace of the gateway's config in ConfigService: `config.get('gateway.server.port')`. */
export const GATEWAY_CONFIG_NAMESPACE = 'gateway';

/** ConfigModule's load function for the `gateway` namespace: the gateway's own loader, run on the module options. */
const loadGatewayNamespace = registerAs(
  GATEWAY_CONFIG_NAMESPACE,
  // Typed as a no-argument factory, which forFeature expects; its provider injects the options (below).
  resolveGatewayConfig as unknown as ConfigFactory<GatewayConfig>,
);

/**
 * `ConfigModule.forFeature` with that load function, so a host's modules read the validated config through
 * ConfigService (`config.get('gateway.server.max_sessions')`). forFeature calls a load function without arguments;
 * this one needs the module options (which forRootAsync resolves by injection), so its provider injects them. A bad
 * config throws the ConfigError (every bad key, one line each) from here, while the app is created, before it listens.
 */
function gatewayConfigFeature(): DynamicModule {
  const feature = ConfigModule.forFeature(loadGatewayNamespace);
  const withOptions = (provider: Provider): Provider =>
    typeof provider === 'object' && 'useFactory' in provider && provider.provide === loadGatewayNamespace.KEY
      ? { ...provider, inject: [GATEWAY_MODULE_OPTIONS] }
      : provider;
  return { ...feature, providers: feature.providers?.map(withOptions) };
}

const gatewayConfig = gatewayConfigFeature();

/**
 * The whole gateway as one Nest module: `GatewayModule.forRoot({ config })` or `forRootAsync({ useFactory, inject,
 * imports })` in a host app's imports. Global, so the gateway's libs see what the options carry.
 */
@Module({
  imports: [
    // The options' config, validated once (by ConfigModule's load above), is also the GatewayConfig the libs inject.
    gatewayConfig,
    GatewayConfigModule.forRootAsync({
      useFactory: (config: GatewayConfig) => config,
      inject: [loadGatewayNamespace.KEY],
    }),
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
  exports: [
    GATEWAY_MODULE_OPTIONS,
    EXTRA_BACKEND_CONNECTORS,
    CALL_INTERCEPTORS,
    CUSTOM_SESSION_EVENT_STORE,
    // ConfigService (with the `gateway` namespace) for the host's modules, and the namespace's token.
    gatewayConfig,
  ],
})
export class GatewayModule extends GatewayModuleBase {}
