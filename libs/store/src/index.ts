export * from './redis.connection.js';
export * from './redis-event-log.js';
export * from './redis-session-directory.js';
export * from './redis-token-bucket.js';
export * from './replica-channel.js';
export * from './replica-liveness.js';
export * from './store.module.js';
