export * from './gateway-health.service.js';
export * from './health.module.js';
export * from './health-components.js';
