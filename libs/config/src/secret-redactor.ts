import type { BackendConfig } from './backend-config.js';
import type { GatewayConfig } from './gateway-config.js';

const MASK = '***';

/** Env and query names whose values are credentials: API_TOKEN, DB_PASSWORD, OPENAI_API_KEY, clientSecret... */
const SECRET_NAME =
  /token|secret|passw|pwd|credential|auth(?!or)|cookie|private|api_?key|access_?key|(^|[^a-z])key($|[^a-z])/i;
const PASSWORD_NAME = /passw|pwd/i;
/** Values of such names that are settings, not credentials (AUTH_ENABLED=true, TOKEN_TTL=3600). */
const SETTING_VALUE = /^(true|false|yes|no|on|off|none|null|\d{1,6})$/i;
/** The scheme word of an Authorization-style header value (`Bearer`, `Basic`): not secret, and an ordinary word. */
const SCHEME_WORD = /^[A-Za-z]{1,12}$/;
const FILE_PATH = /^(~|\.{0,2})\/|^[A-Za-z]:\\/;

/**
 * `password=hunter2`, `"api_key": "..."`, `Authorization: Bearer ...`, `token=...` in free text (a backend's error
 * message or HTTP error body): the value after the name is masked, whoever's secret it is.
 */
const SECRET_ASSIGNMENT =
  /(?<![a-z])((?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|authorization)["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?[^\s"'&,;)}\]]+/gi;
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const URL_PASSWORD = /(\/\/[^/\s:@]+:)[^/\s@]+@/g;

/**
 * Masks credentials with `***` wherever they turn up: in log lines, in backend error text relayed to clients, in
 * /health. Two kinds:
 * - the configured ones: every header value, env values whose name says secret (`API_TOKEN`) and any env value that
 *   looks like a key (long, mixed, high-entropy), passwords of URLs and secret-named query parameters of `http_url`.
 *   Not every value: `LOG_LEVEL=ready` must not turn `/health/ready` into `/health/***`.
 * - secrets named in the text itself (`password=...`, `Bearer ...`, `https://user:pw@host`).
 */
function secretsOf(backends: readonly BackendConfig[], extra: readonly string[]): string[] {
  const values = backends.flatMap((backend) => [
    ...Object.entries(backend.env).flatMap(([name, value]) => envSecrets(name, value)),
    ...Object.values(backend.headers).flatMap(headerSecrets),
    ...(backend.http_url ? urlSecrets(backend.http_url) : []),
  ]);
  return mergeSecrets(values, extra);
}

/** Distinct, at least 3 characters, longest first (so a secret containing another is masked whole). */
function mergeSecrets(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b].filter((value) => value.length >= 3))].sort((x, y) => y.length - x.length);
}

export class SecretRedactor {
  /**
   * Every credential a config holds: the backends', the search embeddings `api_key` and the Redis URL's password. It follows the config: when
   * a reload replaces `config.backends`, the new backends' credentials are masked too (and the old ones still are).
   */
  static forConfig(config: GatewayConfig): SecretRedactor {
    const embeddingsKey = config.meta_mcp?.search?.embeddings?.api_key;
    const redisUrl = config.store?.redis?.url;
    const extra = [...(embeddingsKey ? [embeddingsKey] : []), ...(redisUrl ? urlSecrets(redisUrl) : [])];
    const redactor = new SecretRedactor(Object.values(config.backends), extra);
    let seen = config.backends;
    redactor.refresh = () => {
      if (config.backends === seen) return;
      seen = config.backends;
      redactor.secrets = mergeSecrets(redactor.secrets, secretsOf(Object.values(seen), extra));
    };
    return redactor;
  }

  private secrets: string[];
  private refresh?: () => void;

  /** `extra`: other configured credentials (the search embeddings `api_key`), masked whatever they look like. */
  constructor(backends: readonly BackendConfig[], extra: readonly string[] = []) {
    this.secrets = secretsOf(backends, extra);
  }

  redact(text: string): string {
    this.refresh?.();
    let result = text;
    for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join(MASK);
    return redactSecretText(result);
  }

  /**
   * The same for every string inside a log record (a few levels deep: messages, errors, their causes). Only plain
   * objects, arrays and errors are copied: anything else (a raw request or response) is its serializer's to turn
   * into a record, and copying it here would lose what the serializer reads (`headersSent`).
   */
  redactDeep<T>(value: T, depth = 4): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (depth === 0 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) {
      const clone = new Error(this.redact(value.message));
      clone.name = value.name;
      clone.stack = value.stack && this.redact(value.stack);
      return clone as T;
    }
    if (Array.isArray(value)) return value.map((item: unknown) => this.redactDeep(item, depth - 1)) as T;
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.redactDeep(item, depth - 1);
    return copy as T;
  }

  /** Redacts an error's message, `reason` and JSON-RPC `data` in place, keeping its class and code; returns it. */
  redactError<T>(error: T): T {
    if (error instanceof Error) {
      error.message = this.redact(error.message);
      if (error.stack) error.stack = this.redact(error.stack);
      const fields = error as Error & { data?: unknown; reason?: unknown };
      if (fields.data !== undefined) fields.data = this.redactDeep(fields.data);
      if (typeof fields.reason === 'string') fields.reason = this.redact(fields.reason);
    }
    return error;
  }
}

/** Masks the secrets a text names itself (`password=...`, `Bearer ...`, `//user:password@`), needing no config. */
export function redactSecretText(text: string): string {
  return text
    .replace(SECRET_ASSIGNMENT, `$1$2${MASK}`)
    .replace(BEARER, `$1${MASK}`)
    .replace(URL_PASSWORD, `$1${MASK}@`);
}

function envSecrets(name: string, value: string): string[] {
  if (SECRET_NAME.test(name)) {
    return SETTING_VALUE.test(value) && !PASSWORD_NAME.test(name) ? [] : [value, ...urlSecrets(value)];
  }
  return looksLikeSecret(value) ? [value] : urlSecrets(value);
}

/** A header value is a credential as a whole; so is each part of it but the scheme (`Bearer <token>`). */
function headerSecrets(value: string): string[] {
  return [value, ...value.split(/\s+/).filter((part) => !SCHEME_WORD.test(part))];
}

/** The password of `scheme://user:password@host` and the values of secret-named query parameters. */
function urlSecrets(text: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  const secrets = url.password ? [url.password, decodeURIComponent(url.password)] : [];
  for (const [name, value] of url.searchParams) if (SECRET_NAME.test(name)) secrets.push(value);
  return secrets;
}

/**
 * A generated key or token: 16+ characters without spaces, letters and digits mixed, and high entropy (a random
 * alphanumeric string of that length has about 4 bits per character; words, paths and hostnames have less).
 */
export function looksLikeSecret(value: string): boolean {
  if (value.length < 16 || /\s/.test(value) || FILE_PATH.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return false;
  }
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return entropyPerChar(value) >= 3.5;
}

function entropyPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
