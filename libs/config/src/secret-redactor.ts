import { Injectable } from '@nestjs/common';
import { GatewayConfig } from './gateway-config.js';

const MIN_SECRET_LENGTH = 4;

/** Replaces any configured env or header value (API keys, tokens) that leaks into an error text with `***`. */
@Injectable()
export class SecretRedactor {
  private readonly secrets: string[];

  constructor(config: GatewayConfig) {
    const values = Object.values(config.backends).flatMap((backend) => [
      ...Object.values(backend.env),
      ...Object.values(backend.headers).flatMap((value) => [value, ...value.split(/\s+/)]),
    ]);
    const embeddingsKey = config.meta_mcp?.search?.embeddings?.api_key;
    if (embeddingsKey) values.push(embeddingsKey);
    this.secrets = [...new Set(values.filter((value) => value.length >= MIN_SECRET_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join('***');
    return result;
  }

  /** The same for every string inside a log record (a few levels deep: messages, errors, their causes). */
  redactDeep<T>(value: T, depth = 4): T {
    if (this.secrets.length === 0) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    if (depth === 0 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) {
      const clone = new Error(this.redact(value.message));
      clone.name = value.name;
      clone.stack = value.stack && this.redact(value.stack);
      return clone as T;
    }
    if (Array.isArray(value)) return value.map((item: unknown) => this.redactDeep(item, depth - 1)) as T;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.redactDeep(item, depth - 1);
    return copy as T;
  }
}
