export * from './gateway-health.service.js';
export * from './health.module.js';
export * from './secret-redactor.js';
