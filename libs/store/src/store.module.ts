import { Module } from '@nestjs/common';
import { RedisConnection } from './redis.connection.js';
import { RedisEventLog } from './redis-event-log.js';
import { RedisSessionDirectory } from './redis-session-directory.js';
import { RedisTokenBucket } from './redis-token-bucket.js';
import { ReplicaChannel } from './replica-channel.js';
import { ReplicaLiveness } from './replica-liveness.js';

/** The Redis shared by replicas (`store.redis`); every provider is inert when it is unset. */
@Module({
  providers: [RedisConnection, ReplicaLiveness, RedisSessionDirectory, RedisEventLog, RedisTokenBucket, ReplicaChannel],
  exports: [RedisConnection, ReplicaLiveness, RedisSessionDirectory, RedisEventLog, RedisTokenBucket, ReplicaChannel],
})
export class StoreModule {}
