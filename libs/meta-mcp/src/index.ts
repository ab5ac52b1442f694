export * from './aggregated/tool-namespace.js';
export * from './meta-mcp.module.js';
export * from './meta-mcp.tokens.js';
export * from './search/tool-search.index.js';
export * from './sessions/session-registry.service.js';
export * from './tools/meta-tools.definitions.js';
export { jsonRpcFrameworkErrors } from './http/fastify-error-replies.js';
export * from './interceptors/call-interceptor.js';
export { InMemoryEventStore } from './resumability/in-memory-event-store.js';
