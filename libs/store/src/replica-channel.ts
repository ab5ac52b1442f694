import { Injectable } from '@nestjs/common';
import { RedisConnection } from './redis.connection.js';
import { ReplicaLiveness } from './replica-liveness.js';

/**
 * Messages addressed to one replica (Redis pub/sub on a channel of its own per topic), for work that only the
 * replica holding it can do, such as a call parked there. send() says whether the replica was listening.
 */
@Injectable()
export class ReplicaChannel {
  constructor(
    private readonly redis: RedisConnection,
    readonly liveness: ReplicaLiveness,
  ) {}

  /** Redis is configured: other replicas may exist. */
  get enabled(): boolean {
    return this.redis.enabled;
  }

  /** This replica's id. */
  get id(): string {
    return this.liveness.id;
  }

  /** True when `replica` was subscribed and got it, false when it was not, undefined when Redis could not say. */
  async send(replica: string, topic: string, message: object): Promise<boolean | undefined> {
    const channel = this.redis.key(topic, replica);
    const json = JSON.stringify(message);
    const receivers = await this.redis.run(`PUBLISH ${topic}`, (redis) => redis.publish(channel, json));
    return receivers === undefined ? undefined : receivers > 0;
  }

  /** Messages sent to this replica on `topic` (one that is not JSON is dropped: a stray publisher cannot crash it). */
  on<T>(topic: string, listener: (message: T) => void): void {
    this.redis.subscribe(`${topic}:${this.id}`, (text) => {
      let message: T;
      try {
        message = JSON.parse(text) as T;
      } catch {
        return;
      }
      listener(message);
    });
  }
}
