export * from './backend.js';
export * from './backend-registry.service.js';
export * from './backend-status.js';
export * from './backends.module.js';
export * from './tool-catalog.js';
export * from './transports/backend-connector.js';
export * from './transports/process-spawner.js';
export * from './downstream-client.js';
