import { ExponentialBackoff, fullJitterGenerator, handleWhen, retry } from 'cockatiel';

export interface RetrySettings {
  /** Total attempts, the first included. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Methods that read and change nothing, so a second copy at the backend does no harm. */
const REPEATABLE_METHODS: ReadonlySet<string> = new Set([
  'ping',
  'tools/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
  'completion/complete',
]);

export interface ToolHints {
  readOnlyHint?: boolean;
  idempotentHint?: boolean;
}

/**
 * Whether a request may be sent again after a failure that may have reached the backend: safe methods, and
 * tools/call of a tool the backend annotates read-only or idempotent, or of a backend configured retry_tool_calls.
 */
export function isRepeatable(method: string, hints: ToolHints | undefined, retryToolCalls: boolean): boolean {
  if (REPEATABLE_METHODS.has(method)) return true;
  if (method !== 'tools/call') return false;
  return retryToolCalls || hints?.readOnlyHint === true || hints?.idempotentHint === true;
}

/** Exponential backoff with full jitter between attempts, for the errors `shouldRetry` accepts. */
export class RetryPolicy {
  constructor(private readonly settings: RetrySettings) {}

  execute<T>(
    fn: () => Promise<T>,
    shouldRetry: (error: unknown) => boolean,
    signal: AbortSignal | undefined,
    onRetry: (attempt: number, delayMs: number, error: unknown) => void,
  ): Promise<T> {
    const { maxAttempts, initialBackoffMs, maxBackoffMs } = this.settings;
    if (maxAttempts <= 1) return fn();
    const policy = retry(
      handleWhen((error) => shouldRetry(error)),
      {
        maxAttempts: maxAttempts - 1,
        backoff: new ExponentialBackoff({
          generator: fullJitterGenerator,
          initialDelay: initialBackoffMs,
          maxDelay: maxBackoffMs,
        }),
      },
    );
    policy.onRetry((event) => onRetry(event.attempt + 1, event.delay, 'error' in event ? event.error : undefined));
    return policy.execute(() => fn(), signal);
  }
}
