import type { EmbeddingsClient } from './embeddings.client.js';
import type { SearchableTool } from './tool-search.index.js';

export interface DenseStatus {
  /** `pending` until the endpoint first answers; `down` after a failure, until it answers again. */
  status: 'up' | 'down' | 'pending';
  reason?: string;
}

export interface DenseHit {
  server: string;
  tool: string;
  score: number;
}

interface Entry {
  tool: string;
  vector: Float32Array;
}

// Inputs per embeddings request while indexing a catalog, and how long one such request may take.
const BATCH = 64;
const INDEX_TIMEOUT_MS = 30_000;

/**
 * Tool vectors from an embeddings endpoint, computed when a server's catalog changes and kept by text, so a refresh
 * that changes nothing asks for nothing. A query is embedded with a short timeout; any failure makes `rank` answer
 * `undefined` (the caller ranks lexically alone) and `status` say why. A server whose catalog could not be embedded is
 * tried again at the next search.
 */
export class DenseToolSearch {
  private readonly entries = new Map<string, Entry[]>();
  private readonly byText = new Map<string, Float32Array>();
  /** Catalogs still to embed (failed, or superseded while embedding), by server. */
  private readonly waiting = new Map<string, SearchableTool[]>();
  private readonly versions = new Map<string, number>();
  private retrying = false;
  private state: DenseStatus = { status: 'pending' };

  constructor(
    private readonly client: EmbeddingsClient,
    private readonly queryTimeoutMs: number,
  ) {}

  status(): DenseStatus {
    return { ...this.state };
  }

  /** Embeds the server's tools (only texts not seen before); resolves when done or failed, never rejects. */
  async setServer(server: string, tools: SearchableTool[]): Promise<void> {
    const version = (this.versions.get(server) ?? 0) + 1;
    this.versions.set(server, version);
    this.waiting.set(server, tools);
    const texts = tools.map(toolText);
    // This call's own copy: another server's update may forget vectors of byText while this one awaits.
    const known = new Map<string, Float32Array>();
    for (const t of texts) {
      const v = this.byText.get(t);
      if (v) known.set(t, v);
    }
    const missing = [...new Set(texts.filter((t) => !known.has(t)))];
    try {
      for (let i = 0; i < missing.length; i += BATCH) {
        const batch = missing.slice(i, i + BATCH);
        const vectors = await this.client.embed(batch, INDEX_TIMEOUT_MS);
        batch.forEach((text, j) => known.set(text, normalized(vectors[j])));
      }
    } catch (error) {
      this.fail(`indexing ${server}: ${(error as Error).message}`);
      return;
    }
    if (this.versions.get(server) !== version) return;
    this.waiting.delete(server);
    this.entries.set(
      server,
      tools.map((tool, i) => ({ tool: tool.name, vector: known.get(texts[i])! })),
    );
    for (const [text, vector] of known) this.byText.set(text, vector);
    this.forgetUnused();
    if (this.waiting.size === 0) this.state = { status: 'up' };
  }

  removeServer(server: string): void {
    this.versions.set(server, (this.versions.get(server) ?? 0) + 1);
    this.waiting.delete(server);
    this.entries.delete(server);
    this.forgetUnused();
  }

  /** The `limit` tools nearest the query (cosine), or undefined when the query could not be embedded. */
  async rank(query: string, limit: number, server?: string): Promise<DenseHit[] | undefined> {
    this.retryWaiting();
    if (this.entries.size === 0) return undefined;
    let vector: Float32Array;
    try {
      [vector] = await this.client.embed([query], this.queryTimeoutMs);
    } catch (error) {
      this.fail(`query: ${(error as Error).message}`);
      return undefined;
    }
    if (this.waiting.size === 0) this.state = { status: 'up' };
    const q = normalized(vector);
    const hits: DenseHit[] = [];
    for (const [name, entries] of this.entries) {
      if (server !== undefined && name !== server) continue;
      for (const { tool, vector: v } of entries) {
        if (v.length !== q.length) continue;
        let dot = 0;
        for (let i = 0; i < q.length; i++) dot += q[i] * v[i];
        hits.push({ server: name, tool, score: dot });
      }
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  private fail(reason: string): void {
    this.state = { status: 'down', reason: `${reason}; search ranks lexically alone` };
  }

  /** Catalogs that failed to embed are tried again in the background, one pass at a time. */
  private retryWaiting(): void {
    if (this.retrying || this.waiting.size === 0) return;
    this.retrying = true;
    const pending = [...this.waiting];
    void (async () => {
      for (const [server, tools] of pending)
        if (this.waiting.get(server) === tools) await this.setServer(server, tools);
      this.retrying = false;
    })();
  }

  /** Keeps only the vectors of texts some current catalog has, so memory follows the catalog. */
  private forgetUnused(): void {
    const used = new Set<Float32Array>();
    for (const entries of this.entries.values()) for (const e of entries) used.add(e.vector);
    for (const [text, vector] of this.byText) if (!used.has(vector)) this.byText.delete(text);
  }
}

/** What a tool is for, as one text: name, title and description. */
export function toolText(tool: SearchableTool): string {
  const title = tool.title ?? (typeof tool.annotations?.title === 'string' ? tool.annotations.title : '');
  return [tool.name, title, tool.description ?? ''].filter(Boolean).join('\n');
}

function normalized(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => x / norm);
}
