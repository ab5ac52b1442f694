import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DenseToolSearch, toolText } from './dense-search.js';
import { EmbeddingsClient } from './embeddings.client.js';
import type { SearchableTool } from './tool-search.index.js';

/** A fake client: vectors from letter counts; records every batch; can be switched to failing. */
class FakeClient {
  batches: string[][] = [];
  failing = false;

  embed(texts: string[]): Promise<Float32Array[]> {
    this.batches.push(texts);
    if (this.failing) return Promise.reject(new Error('embeddings endpoint http://fake: HTTP 503'));
    return Promise.resolve(
      texts.map((t) => {
        const v = new Float32Array(26);
        for (const c of t.toLowerCase()) if (c >= 'a' && c <= 'z') v[c.charCodeAt(0) - 97]++;
        return v;
      }),
    );
  }
}

const tools: SearchableTool[] = [
  { name: 'zebra_zoo', description: 'zzz zoo' },
  { name: 'apple_pie', description: 'a pie of apples' },
];

function dense(client: FakeClient): DenseToolSearch {
  return new DenseToolSearch(client as unknown as EmbeddingsClient, 1000);
}

describe('DenseToolSearch', () => {
  it('embeds a catalog once: an unchanged refresh sends nothing, a changed tool only its own text', async () => {
    const client = new FakeClient();
    const search = dense(client);
    expect(search.status()).toEqual({ status: 'pending' });
    await search.setServer('s', tools);
    expect(client.batches).toEqual([tools.map(toolText)]);
    expect(search.status()).toEqual({ status: 'up' });
    await search.setServer('s', tools);
    expect(client.batches).toHaveLength(1);
    const changed = [tools[0], { ...tools[1], description: 'a tart of apples' }];
    await search.setServer('s', changed);
    expect(client.batches[1]).toEqual([toolText(changed[1])]);
  });

  it('ranks by cosine and honours the server filter', async () => {
    const client = new FakeClient();
    const search = dense(client);
    await search.setServer('s', tools);
    await search.setServer('t', [{ name: 'zigzag', description: 'zz' }]);
    const hits = await search.rank('zzzz zoo', 3);
    expect(hits!.map((h) => h.tool)).toEqual(['zebra_zoo', 'zigzag', 'apple_pie']);
    expect((await search.rank('zzzz', 3, 't'))!.map((h) => h.tool)).toEqual(['zigzag']);
  });

  it('a failing endpoint makes rank answer undefined and status say why; it recovers by itself', async () => {
    const client = new FakeClient();
    const search = dense(client);
    client.failing = true;
    await search.setServer('s', tools);
    expect(await search.rank('apple', 2)).toBeUndefined();
    expect(search.status()).toEqual({
      status: 'down',
      reason: expect.stringMatching(/HTTP 503; search ranks lexically alone$/) as unknown as string,
    });
    client.failing = false;
    // Each search retries the waiting catalog in the background (one pass at a time) until it is embedded.
    for (let i = 0; i < 20 && search.status().status !== 'up'; i++) {
      await search.rank('apple', 2);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const hits = await search.rank('apple pie', 2);
    expect(hits?.[0].tool).toBe('apple_pie');
    expect(search.status()).toEqual({ status: 'up' });
  });
});

describe('EmbeddingsClient', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/embeddings`;
  }

  it('gives up after the timeout, naming the endpoint and not the key', async () => {
    const url = await listen(() => undefined); // never answers
    const client = new EmbeddingsClient({ url, model: 'm', api_key: 'sk-secret-value' });
    const error = await client.embed(['x'], 100).catch((e: Error) => e);
    expect((error as Error).message).toBe(`embeddings endpoint ${url}: no answer within 100 ms`);
    expect((error as Error).message).not.toContain('sk-secret-value');
  });

  it('rejects an answer without a vector for every input', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ index: 0, embedding: [1, 0] }] }));
    });
    const client = new EmbeddingsClient({ url, model: 'm' });
    await expect(client.embed(['a', 'b'], 1000)).rejects.toThrow('answer has no embedding for input 1');
  });

  it('reports an HTTP error status', async () => {
    const url = await listen((_req, res) => res.writeHead(401).end('unauthorized'));
    await expect(new EmbeddingsClient({ url, model: 'm' }).embed(['a'], 1000)).rejects.toThrow(`${url}: HTTP 401`);
  });
});
