// The package root (@mcp-gateway/gateway): what a host Nest app imports to embed the gateway.
export { GatewayModule, GATEWAY_CONFIG_NAMESPACE, resolveGatewayConfig } from './gateway.module.js';
export {
  GATEWAY_MODULE_OPTIONS,
  type GatewayModuleOptions,
  GATEWAY_OPTIONS_TYPE,
  GATEWAY_ASYNC_OPTIONS_TYPE,
} from './gateway.module-definition.js';
export { startGateway, type StartOptions } from './bootstrap.js';
export { AppModule } from './app.module.js';
export { ConfigReloader } from './lifecycle/config-reloader.service.js';
export type { BackendChanges } from '@gateway/backends';
export {
  ConfigError,
  CONFIG_ERROR_EXIT_CODE,
  GatewayConfig,
  BackendConfig,
  loadGatewayConfig,
  loadGatewayConfigFromObject,
  SecretRedactor,
} from '@gateway/config';
export {
  ACCESS_CHECK_PRIORITY,
  CALL_INTERCEPTORS,
  CallRefusedError,
  InMemoryEventStore,
  SessionEventStore,
  USER_INTERCEPTOR_PRIORITY,
  type CallInterceptor,
  type CallNext,
  type GatewayCall,
  type ReplayableEvent,
  type SessionEvents,
} from '@gateway/meta-mcp';
export {
  BACKEND_CONNECTORS,
  BackendRegistry,
  type BackendConnector,
  type Connection,
  type ConnectRequest,
} from '@gateway/backends';
export { IS_PUBLIC, Public, type Principal } from '@gateway/auth';
