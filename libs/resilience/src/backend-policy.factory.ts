import { Injectable, Optional } from '@nestjs/common';
import { GatewayConfig, type BackendConfig } from '@gateway/config';
import { RedisTokenBucket } from '@gateway/store';
import { BackendPolicy, type BackendPolicySettings } from './backend-policy.js';
import type { FailureClassifier } from './failure-kind.js';

/** Builds each backend's policy from `failsafe.*` and the backend's own limits. */
@Injectable()
export class BackendPolicyFactory {
  constructor(
    private readonly config: GatewayConfig,
    @Optional() private readonly buckets?: RedisTokenBucket,
  ) {}

  /** With store.redis, each backend's rate limit is one bucket across the replicas. */
  create(name: string, backend: BackendConfig, classify: FailureClassifier): BackendPolicy {
    const shared = this.config.store.redis ? this.buckets : undefined;
    return new BackendPolicy(name, this.settingsFor(backend), classify, Date.now, shared);
  }

  settingsFor(backend: BackendConfig): BackendPolicySettings {
    const { circuit_breaker: breaker, retry, rate_limit: rateLimit } = this.config.failsafe;
    return {
      breaker: breaker.enabled
        ? {
            failureThreshold: breaker.failure_threshold,
            successThreshold: breaker.success_threshold,
            resetTimeoutMs: breaker.reset_timeout,
          }
        : undefined,
      retry: retry.enabled
        ? { maxAttempts: retry.max_attempts, initialBackoffMs: retry.initial_backoff, maxBackoffMs: retry.max_backoff }
        : undefined,
      rateLimit: rateLimit.enabled
        ? {
            perSecond: rateLimit.requests_per_second,
            burst: rateLimit.burst ?? Math.max(1, Math.ceil(rateLimit.requests_per_second)),
          }
        : undefined,
      concurrency: { max: backend.max_concurrency, queue: backend.max_queue },
      // A backend allowed more time than the server default keeps it.
      deadlineMs: Math.max(this.config.server.request_timeout, backend.timeout ?? 0),
    };
  }
}
