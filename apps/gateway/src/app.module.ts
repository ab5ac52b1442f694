import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import type { GatewayConfig } from '@gateway/config';
import { GatewayModule } from './gateway.module.js';

/**
 * The CLI's root: the gateway plus any modules the caller of startGateway adds. The config was validated before Nest
 * started (a bad one exited 2 before anything listened); GatewayModule puts it in ConfigService's `gateway` namespace,
 * so those modules read it through ConfigService like any Nest config.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, imports: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    return { module: AppModule, imports: [GatewayModule.forRoot({ config }), ...imports] };
  }
}
