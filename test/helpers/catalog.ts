// The LiveMCPBench catalog as gateway backends: names, safe backend names, and the HTTP fixture serving it.
import { readShared } from '../support/livemcpbench.js';
import { join } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { repoRoot, spawnTs, tsCommand } from './processes.js';

export interface CatalogServer {
  server: string;
  description: string;
  category: string;
  tools: Tool[];
}

export interface CatalogBackendEntry {
  http_url: string;
  description: string;
}

export const catalogPath: string = join(repoRoot, '..', 'shared', 'datasets', 'livemcpbench', 'servers.json');
export const catalogServerFixture = 'test/fixtures/catalog-server.ts';

let cached: CatalogServer[] | undefined;

/** The parsed servers.json (70 servers, 527 tools), in file order; index = position. */
export function loadCatalog(): CatalogServer[] {
  cached ??= JSON.parse(readShared(catalogPath)) as CatalogServer[];
  return cached;
}

/** Dataset server names, in index order (may contain spaces, dots, CJK). */
export function catalogServerNames(): string[] {
  return loadCatalog().map((entry) => entry.server);
}

/**
 * Backend names matching `[A-Za-z0-9_-]{1,64}`, in index order: other characters become `_`, the result is cut to
 * 64 characters, and repeats get `_2`, `_3`, ... (still within 64).
 */
export function catalogSafeNames(): string[] {
  const seen = new Set<string>();
  return catalogServerNames().map((name) => {
    const base = toSafeName(name);
    let candidate = base;
    for (let n = 2; seen.has(candidate); n++) {
      const suffix = `_${n}`;
      candidate = base.slice(0, 64 - suffix.length) + suffix;
    }
    seen.add(candidate);
    return candidate;
  });
}

/** One name mapped to `[A-Za-z0-9_-]{1,64}` (not deduplicated; see catalogSafeNames). */
export function toSafeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return safe.length > 0 ? safe : '_';
}

/**
 * Gateway `backends` entries for every catalog server served by startCatalogHttp:
 * `{ [safeName]: { http_url: `${baseUrl}/servers/<index>/mcp`, description } }`, in index order.
 */
export function catalogBackends(baseUrl: string): Record<string, CatalogBackendEntry> {
  const catalog = loadCatalog();
  const base = baseUrl.replace(/\/+$/, '');
  return Object.fromEntries(
    catalogSafeNames().map((safe, index) => [
      safe,
      { http_url: `${base}/servers/${index}/mcp`, description: catalog[index].description },
    ]),
  );
}

/** `{command, args}` running one catalog server (by index) over stdio. */
export function catalogStdioCommand(index: number): { command: string; args: string[] } {
  return tsCommand(catalogServerFixture, ['stdio', '--server', String(index)]);
}

export interface RunningCatalog {
  /** `http://127.0.0.1:<port>` (no trailing slash); server i is at `${baseUrl}/servers/${i}/mcp`. */
  baseUrl: string;
  port: number;
  pid: number;
  /** SIGTERM, SIGKILL after 2 s; resolves once exited. */
  stop(): Promise<void>;
}

/** Starts the one-process HTTP catalog on 127.0.0.1 with an ephemeral port. */
export async function startCatalogHttp(): Promise<RunningCatalog> {
  const spawned = await spawnTs(catalogServerFixture, ['http'], { PORT: '0' }, { waitForListening: true });
  return {
    baseUrl: `http://127.0.0.1:${spawned.port}`,
    port: spawned.port!,
    pid: spawned.pid,
    stop: async () => {
      await spawned.stop();
    },
  };
}
