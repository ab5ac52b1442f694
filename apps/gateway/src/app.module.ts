import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import type { GatewayConfig } from '@gateway/config';
import { GatewayModule } from './gateway.module.js';

/** The namespace of the gateway's config in ConfigService: `config.get('gateway.server.port')`. */
export const GATEWAY_CONFIG_NAMESPACE = 'gateway';

/**
 * The CLI's root: the gateway plus any modules the caller of startGateway adds. The validated config (the loader
 * ran before Nest, so a bad one exited 2 before anything listened) is also ConfigModule's `gateway` namespace, so
 * those modules read it through ConfigService like any Nest config.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, imports: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [registerAs(GATEWAY_CONFIG_NAMESPACE, () => ({ ...config }))],
        }),
        GatewayModule.forRoot({ config }),
        ...imports,
      ],
    };
  }
}
