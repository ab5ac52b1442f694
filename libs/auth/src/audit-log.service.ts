import { closeSync, openSync, writeSync } from 'node:fs';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AUDIT_STDOUT, GatewayConfig, SecretRedactor } from '@gateway/config';

export type AuditOutcome = 'ok' | 'error' | 'denied' | 'timeout' | 'unavailable';

export interface AuditEntry {
  principal: string;
  roles: readonly string[];
  session: string;
  route: string;
  backend: string;
  method: string;
  /** The tool, prompt or resource URI the call named. */
  tool?: string;
  prompt?: string;
  uri?: string;
  outcome: AuditOutcome;
  duration_ms: number;
  request_id?: string | number;
  arguments?: unknown;
}

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|credential|private[-_]?key|cookie|session/i;
const REDACTED = '[redacted]';

/**
 * `audit`: one JSON line per tool call, prompt get, resource read and denied attempt, on stdout (marked
 * `"audit": true`) or appended to a file that SIGUSR2 reopens (after a rotation moved it). Written synchronously, so a
 * record is on disk before the answer reaches the client.
 */
@Injectable()
export class AuditLog implements OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  readonly enabled: boolean;
  private readonly includeArguments: boolean;
  private readonly path?: string;
  private fd?: number;
  private readonly onSignal = () => this.reopen();

  constructor(
    config: GatewayConfig,
    private readonly redactor: SecretRedactor,
  ) {
    this.enabled = config.audit.enabled;
    this.includeArguments = config.audit.include_arguments;
    if (!this.enabled) return;
    if (config.audit.destination !== AUDIT_STDOUT) {
      this.path = config.audit.destination;
      this.fd = openSync(this.path, 'a', 0o600);
      process.on('SIGUSR2', this.onSignal);
    }
  }

  write(entry: AuditEntry, args?: unknown): void {
    if (!this.enabled) return;
    const { arguments: _never, ...fields } = entry;
    const record = {
      audit: true,
      time: new Date().toISOString(),
      ...fields,
      ...(this.includeArguments && args !== undefined ? { arguments: this.redactor.redactDeep(redactKeys(args)) } : {}),
    };
    const line = `${JSON.stringify(record)}\n`;
    try {
      if (this.fd === undefined) process.stdout.write(line);
      else writeSync(this.fd, line);
    } catch (error) {
      this.logger.error(`audit record not written: ${(error as Error).message}`);
    }
  }

  /** Opens the file again by its name: after logrotate moved it, records go to a new file. */
  reopen(): void {
    if (!this.path) return;
    const previous = this.fd;
    this.fd = openSync(this.path, 'a', 0o600);
    if (previous !== undefined) closeSync(previous);
  }

  onModuleDestroy(): void {
    process.off('SIGUSR2', this.onSignal);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Values under secret-sounding keys are replaced, at any depth. */
function redactKeys(value: unknown, depth = 6): unknown {
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, depth - 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? REDACTED : redactKeys(item, depth - 1)]),
  );
}
