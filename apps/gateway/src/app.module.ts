import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import type { GatewayConfig } from '@gateway/config';
import { GatewayModule } from './gateway.module.js';

/** The CLI's root: the gateway plus any modules the caller of startGateway adds. */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, imports: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    return { module: AppModule, imports: [GatewayModule.forRoot({ config }), ...imports] };
  }
}
