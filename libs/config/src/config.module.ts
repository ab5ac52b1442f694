import { Global, Module } from '@nestjs/common';
import { ConfigurableModuleClass, GATEWAY_CONFIG_OPTIONS } from './config.module-definition.js';
import { GatewayConfig } from './gateway-config.js';
import { SecretRedactor } from './secret-redactor.js';

/**
 * Provides the one validated GatewayConfig (loaded by the app before Nest starts, so a bad config exits 2 before
 * anything listens). Inject it by its class: `constructor(private readonly config: GatewayConfig)`.
 */
@Global()
@Module({
  providers: [
    { provide: GatewayConfig, useFactory: (config: GatewayConfig) => config, inject: [GATEWAY_CONFIG_OPTIONS] },
    {
      provide: SecretRedactor,
      useFactory: (config: GatewayConfig) => SecretRedactor.forConfig(config),
      inject: [GatewayConfig],
    },
  ],
  exports: [GatewayConfig, SecretRedactor],
})
export class GatewayConfigModule extends ConfigurableModuleClass {}
