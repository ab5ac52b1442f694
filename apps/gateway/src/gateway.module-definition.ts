import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { BackendConnector } from '@gateway/backends';
import type { GatewayConfig } from '@gateway/config';
import type { CallInterceptor, SessionEventStore } from '@gateway/meta-mcp';

/** What GatewayModule.forRoot / forRootAsync take. */
export interface GatewayModuleOptions {
  /**
   * The config as a plain object of the YAML's shape, validated like the file (a ConfigError lists every bad key),
   * or a GatewayConfig already loaded. Unset: `configFile`, else the file the CLI would pick.
   */
  config?: Record<string, unknown> | GatewayConfig;
  /** A YAML file, as `--config` takes it (relative to the working directory). */
  configFile?: string;
  /** Where MCP sessions keep their SSE events for Last-Event-ID replay; in memory by default. */
  eventStore?: SessionEventStore;
  /** Backend transports beyond stdio and HTTP: chosen by `transport: <kind>` of a backend's config. */
  connectors?: BackendConnector[];
  /** Run around every backend request, by priority (see CallInterceptor). */
  interceptors?: CallInterceptor[];
}

export const {
  ConfigurableModuleClass: GatewayModuleBase,
  MODULE_OPTIONS_TOKEN: GATEWAY_MODULE_OPTIONS,
  OPTIONS_TYPE: GATEWAY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: GATEWAY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<GatewayModuleOptions>()
  .setClassMethodName('forRoot')
  // Global: the libs' own modules (backends, sessions) read the options' connectors, interceptors and event store.
  .setExtras({}, (definition) => ({ ...definition, global: true }))
  .build();
