import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { GatewayConfig } from './gateway-config.js';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: GATEWAY_CONFIG_OPTIONS } =
  new ConfigurableModuleBuilder<GatewayConfig>().setClassMethodName('forRoot').build();
