import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

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
    this.secrets = [...new Set(values.filter((value) => value.length >= MIN_SECRET_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('***');
    return result;
  }
}
