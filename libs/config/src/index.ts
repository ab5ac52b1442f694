export * from './backend-config.js';
export * from './cli-flags.js';
export * from './config-error.js';
export * from './config.loader.js';
export * from './config.module.js';
export * from './duration.js';
export * from './gateway-config.js';
export * from './package-root.js';
export { editDistance } from './validation-problems.js';
