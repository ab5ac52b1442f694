// Temp gateway configs for integration tests: a YAML file on disk, loaded by the real loader, plus small helpers
// to describe fixture backends in it and to read what a backend answered.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { quote } from 'shell-quote';
import { stringify } from 'yaml';
import { loadGatewayConfig, type GatewayConfig } from '@gateway/config';

export interface TempConfig {
  /** The temp directory holding the file; relative `cwd` keys resolve against it. */
  dir: string;
  file: string;
  config: GatewayConfig;
  /** Removes the directory. */
  cleanup(): void;
}

/** A YAML-ready backend entry running `{command, args}` over stdio (the executable quoted for the command splitter). */
export function stdioBackend(
  spec: { command: string; args: string[]; env?: Record<string, string> },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    command: quote([spec.command]),
    args: spec.args,
    ...(spec.env ? { env: spec.env } : {}),
    ...extra,
  };
}

/**
 * Writes `tree` as YAML into a fresh temp dir and loads it with loadGatewayConfig. `env` is the only environment
 * the loader sees (so MCP_GATEWAY_* variables of the machine running the tests never leak in).
 */
export function writeGatewayConfig(tree: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, stringify(tree));
  const config = loadGatewayConfig({ flags: { config: file }, env, cwd: dir });
  return { dir, file, config, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The text of the first content item of a tools/call result. */
export function firstText(result: unknown): string {
  const item = (result as CallToolResult).content?.[0];
  return item?.type === 'text' ? item.text : '';
}

/** A Nest logger that keeps every line (for assertions) and prints nothing. */
export class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; context?: string; message: string }> = [];

  log(message: unknown, context?: string): void {
    this.push('log', message, context);
  }
  error(message: unknown, _trace?: string, context?: string): void {
    this.push('error', message, context);
  }
  warn(message: unknown, context?: string): void {
    this.push('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.push('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.push('verbose', message, context);
  }

  /** Messages logged under `context` (e.g. `backend:<name>`). */
  messages(context: string): string[] {
    return this.lines.filter((line) => line.context === context).map((line) => line.message);
  }

  private push(level: string, message: unknown, context?: string): void {
    this.lines.push({ level, context, message: typeof message === 'string' ? message : JSON.stringify(message) });
  }
}
