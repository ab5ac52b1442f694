export * from './gateway-metrics.service.js';
export * from './metric-labels.js';
export * from './metrics.module.js';
