import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { BackendRegistry, type Backend } from '@gateway/backends';
import { GatewayConfig } from '@gateway/config';
import { HealthComponents } from '@gateway/health';
import { DenseToolSearch } from '../search/dense-search.js';
import { EmbeddingsClient } from '../search/embeddings.client.js';
import { describeServer, ToolSearchIndex, type SearchResult, type ToolMatch } from '../search/tool-search.index.js';

// Both rankings are cut at this depth before fusion; reciprocal-rank fusion constant (Cormack et al. 2009).
const FUSION_DEPTH = 50;
const RRF_K = 60;

/**
 * Keeps the search index in step with every backend's catalog: each time a backend's tool list arrives (at
 * connect, on list_changed, after a TTL refresh), only that backend's documents are replaced. Searching never
 * waits for a backend; a sleeping or failed backend keeps its last catalog. With `meta_mcp.search.embeddings` set,
 * the same catalogs are embedded too and each search fuses the lexical and the dense ranking; whenever the endpoint
 * fails, search ranks lexically alone and /health says why.
 */
@Injectable()
export class ToolIndexService implements OnApplicationBootstrap {
  readonly index = new ToolSearchIndex();
  private readonly dense: DenseToolSearch | undefined;
  private readonly denseWeight: number;

  constructor(
    private readonly registry: BackendRegistry,
    config: GatewayConfig,
    health: HealthComponents,
  ) {
    const embeddings = config.meta_mcp.search.embeddings;
    this.denseWeight = embeddings?.weight ?? 0;
    if (embeddings) {
      const dense = new DenseToolSearch(new EmbeddingsClient(embeddings), embeddings.timeout);
      this.dense = dense;
      health.register('search_embeddings', () => dense.status());
    }
  }

  onApplicationBootstrap(): void {
    // Backends a reload adds are indexed when their tools arrive; removed ones leave the index.
    this.registry.watch(
      (backend) => {
        backend.on('tools', () => this.reindex(backend));
        if (backend.catalog.list) this.reindex(backend);
      },
      (backend) => {
        this.index.removeServer(backend.name);
        void this.dense?.setServer(backend.name, []);
      },
    );
  }

  /** The lexical ranking, fused with the dense one when embeddings are configured and answering. */
  /** `allow` hides the tools a client may not see, from both rankings and from `total`. */
  async search(
    query: string,
    opts: { limit: number; server?: string; allow?: (server: string, tool: string) => boolean },
  ): Promise<SearchResult> {
    const lexical = this.index.search(
      query,
      this.dense ? { ...opts, limit: Math.max(opts.limit, FUSION_DEPTH) } : opts,
    );
    const ranked = this.dense && (await this.dense.rank(query, FUSION_DEPTH, opts.server));
    const allow = opts.allow;
    const dense = ranked && allow ? ranked.filter((hit) => allow(hit.server, hit.tool)) : ranked;
    if (!dense) return { ...lexical, matches: lexical.matches.slice(0, opts.limit) };
    const fused = new Map<string, { match: ToolMatch; score: number }>();
    const add = (match: ToolMatch | undefined, rank: number, weight: number) => {
      if (!match) return;
      const key = `${match.server}\u0000${match.tool}`;
      const entry = fused.get(key) ?? { match, score: 0 };
      entry.score += weight / (RRF_K + rank + 1);
      fused.set(key, entry);
    };
    lexical.matches.forEach((match, rank) => add(match, rank, 1 - this.denseWeight));
    dense.forEach((hit, rank) => add(this.index.lookup(hit.server, hit.tool), rank, this.denseWeight));
    const fusedRanking = [...fused.values()].sort((a, b) => b.score - a.score);
    return {
      matches: fusedRanking.slice(0, opts.limit).map(({ match, score }) => ({ ...match, score })),
      total: Math.max(lexical.total, fusedRanking.length),
    };
  }

  private reindex(backend: Backend): void {
    const tools = backend.catalog.list ?? [];
    this.index.setServer(backend.name, describeServer(backend.config.description, backend.serverInfo), tools);
    void this.dense?.setServer(backend.name, tools);
  }
}
