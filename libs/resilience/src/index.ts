export * from './backend-policy.js';
export * from './backend-policy.factory.js';
export * from './circuit-breaker.policy.js';
export * from './failure-kind.js';
export * from './resilience-errors.js';
export * from './resilience.module.js';
export { isRepeatable, type ToolHints } from './retry.policy.js';
