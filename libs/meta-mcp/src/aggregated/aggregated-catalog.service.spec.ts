import { describe, expect, it } from '@jest/globals';
import type { Backend, BackendRegistry } from '@gateway/backends';
import type { HandlerExtra } from '../servers/request-forwarder.js';
import type { SessionDownstream } from '../sessions/session-downstream.js';
import { AggregatedCatalogService } from './aggregated-catalog.service.js';

/** A backend whose resources/list serves `pages` in order, following its own cursors `p1`, `p2`, ... */
function pagingBackend(name: string, pages: string[][]): Backend {
  return {
    name,
    state: 'ready',
    capabilities: { resources: {} },
    config: { session_mode: 'shared' },
    request: async (_method: string, params?: { cursor?: string }) => {
      const index = params?.cursor ? Number(params.cursor.slice(1)) : 0;
      const uris = pages[index];
      return {
        resources: uris.map((uri) => ({ uri, name: uri })),
        ...(index + 1 < pages.length ? { nextCursor: `p${index + 1}` } : {}),
      };
    },
  } as unknown as Backend;
}

function service(backends: Backend[]): AggregatedCatalogService {
  const registry = { list: () => backends, get: (name: string) => backends.find((b) => b.name === name) };
  return new AggregatedCatalogService(registry as unknown as BackendRegistry);
}

const extra = { signal: new AbortController().signal } as HandlerExtra;
const downstream = {
  sessionId: 's',
  capabilities: {},
  track: () => () => undefined,
  forBackend(): unknown {
    return this;
  },
} as unknown as SessionDownstream;

describe('AggregatedCatalogService listings', () => {
  it('pages across backends that paginate, while the first page already holds every backend', async () => {
    const catalog = service([pagingBackend('b', [['b:1']]), pagingBackend('a', [['a:1', 'a:2'], ['a:3'], ['a:4']])]);
    const uris = (result: Record<string, unknown>) => (result.resources as Array<{ uri: string }>).map((r) => r.uri);

    const first = await catalog.handle('resources/list', undefined, extra, downstream);
    expect(uris(first)).toEqual(['a:1', 'a:2', 'b:1']);
    expect(typeof first.nextCursor).toBe('string');

    const second = await catalog.handle('resources/list', { cursor: first.nextCursor }, extra, downstream);
    expect(uris(second)).toEqual(['a:3']);
    const third = await catalog.handle('resources/list', { cursor: second.nextCursor }, extra, downstream);
    expect(uris(third)).toEqual(['a:4']);
    expect(third.nextCursor).toBeUndefined();
  });

  it('routes a read to the backend that listed the URI', async () => {
    const a = pagingBackend('a', [['shared://x']]);
    const b = pagingBackend('b', [['other://y']]);
    const reads: string[] = [];
    for (const backend of [a, b]) {
      const list = backend.request.bind(backend);
      (backend as { request: unknown }).request = async (method: string, params?: Record<string, unknown>) => {
        if (method === 'resources/read') {
          reads.push(backend.name);
          return { contents: [] };
        }
        return list(method, params);
      };
    }
    const catalog = service([a, b]);
    await catalog.handle('resources/read', { uri: 'other://y' }, extra, downstream);
    expect(reads).toEqual(['b']);
  });

  it('refuses a cursor it did not make', async () => {
    const catalog = service([pagingBackend('a', [['a:1']])]);
    await expect(catalog.handle('resources/list', { cursor: 'not-ours' }, extra, downstream)).rejects.toMatchObject({
      code: -32602,
    });
  });
});
