import { Bm25Index } from './bm25.js';
import { analyze as analyzeText, isQueryFiller } from './tokenize.js';
import { synonymsOf } from './synonyms.js';

export interface SearchableTool {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  title?: string;
}

export interface ToolMatch {
  server: string;
  tool: string;
  description: string;
  score: number;
  inputSchema: Record<string, unknown>;
}

/** Ranking knobs; the defaults are what the LiveMCPBench dev split favoured (bench/search-eval.ts prints ablations). */
export interface RankingOptions {
  /** Field weights; a field weighted 0 is left out of the index. */
  boosts: Record<SearchField, number>;
  bm25: { k: number; b: number; d: number };
  /** Drop conversational filler ("help me", "I want") from queries. */
  dropFiller: boolean;
  /** Weight of query-side synonyms (synonyms.ts: file formats, API verbs, everyday words); 0 turns them off. */
  synonymWeight: number;
  /** Query terms are weighted by (server-level idf)^power: words every server uses say little about which tool is meant. */
  serverIdfPower: number;
  /** Share of a tool's score passed to the sibling that produces its required inputs (geocode before nearby search). */
  chainLift: number;
  /** Add English words for the Chinese words of descriptions and queries (glossary.ts). */
  glossary: boolean;
}

export type SearchField = 'name' | 'title' | 'summary' | 'description' | 'params' | 'server';

export const DEFAULT_RANKING: RankingOptions = {
  boosts: { name: 1, title: 1, summary: 1, description: 1, params: 0.5, server: 0.5 },
  bm25: { k: 1.2, b: 0.75, d: 0 },
  dropFiller: true,
  synonymWeight: 1,
  serverIdfPower: 3,
  chainLift: 0.6,
  glossary: true,
};

interface ToolDoc extends Record<SearchField, string> {
  serverName: string;
  tool: string;
  inputSchema: Record<string, unknown>;
  /** Analysed names of the required parameters, for producer links. */
  required: Set<string>;
}

interface Hit {
  id: number;
  score: number;
}

// A producer must explain enough rare vocabulary of a consumer's inputs (summed idf, as a share of the largest
// possible idf ln N, so small catalogs link too): "data" alone links nothing.
const MIN_LINK_IDF = 0.4;
const MIN_LINK_SHARE = 0.5;
// Bounds the cost of a pasted document used as a query; real requests stay well below it.
const MAX_QUERY_TERMS = 128;
const MAX_LIFTERS = 30;

export class ToolSearchIndex {
  private readonly options: RankingOptions;
  private readonly fields: SearchField[];
  private readonly bm25: Bm25Index;
  /** Documents by number (the BM25 index's key); numbers of removed tools are reused. */
  private readonly docs: (ToolDoc | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly idsByServer = new Map<string, number[]>();
  /** Per server, the set of terms its whole catalog uses; and per term, how many servers use it. */
  private readonly serverTerms = new Map<string, Set<string>>();
  private readonly serverDf = new Map<string, number>();
  /** Per tool, its description/params terms; and per term, how many tools use it (for link idf). */
  private readonly toolTerms = new Map<number, Set<string>>();
  private readonly toolDf = new Map<string, number>();
  /** consumer -> producers; derived from catalog-wide idf, so rebuilt lazily after any catalog change. */
  private producers = new Map<number, [number, number][]>();
  private linkedServers = new Set<string>();
  private count = 0;
  private readonly analyze: (text: string) => string[];

  constructor(options: Partial<RankingOptions> = {}) {
    this.options = { ...DEFAULT_RANKING, ...options };
    const { boosts, bm25, glossary } = this.options;
    this.analyze = (text) => analyzeText(text, glossary);
    this.fields = (Object.keys(boosts) as SearchField[]).filter((f) => boosts[f] > 0);
    this.bm25 = new Bm25Index(
      this.fields.map((f) => boosts[f]),
      bm25,
    );
  }

  get size(): number {
    return this.count;
  }

  /** Replace the whole catalog of one server (incremental: only that server's documents change). */
  setServer(server: string, serverDescription: string | undefined, tools: SearchableTool[]): void {
    this.removeServer(server);
    const byName = new Map<string, ToolDoc>();
    for (const tool of tools) {
      const description = tool.description ?? '';
      const annotationTitle = typeof tool.annotations?.title === 'string' ? tool.annotations.title : '';
      // A name repeated within one server collides; the last definition wins, as a client would see it.
      byName.set(tool.name, {
        serverName: server,
        tool: tool.name,
        name: tool.name,
        title: tool.title ?? annotationTitle,
        summary: firstSentence(description),
        description,
        params: schemaText(tool.inputSchema),
        server: `${server} ${serverDescription ?? ''}`,
        inputSchema: tool.inputSchema ?? {},
        required: new Set(this.analyze(requiredParams(tool.inputSchema).join(' '))),
      });
    }
    const catalogTerms = new Set(this.analyze(`${server} ${serverDescription ?? ''}`));
    const ids: number[] = [];
    for (const doc of byName.values()) {
      const id = this.free.pop() ?? this.docs.length;
      this.docs[id] = doc;
      ids.push(id);
      this.bm25.set(
        id,
        this.fields.map((f) => this.analyze(doc[f])),
      );
      const terms = new Set(this.analyze(`${doc.name} ${doc.title} ${doc.description} ${doc.params}`));
      this.toolTerms.set(id, terms);
      for (const t of terms) {
        this.toolDf.set(t, (this.toolDf.get(t) ?? 0) + 1);
        catalogTerms.add(t);
      }
    }
    for (const t of catalogTerms) this.serverDf.set(t, (this.serverDf.get(t) ?? 0) + 1);
    this.serverTerms.set(server, catalogTerms);
    this.idsByServer.set(server, ids);
    this.count += ids.length;
    this.invalidateLinks();
  }

  removeServer(server: string): void {
    const ids = this.idsByServer.get(server);
    if (!ids) return;
    for (const id of ids) {
      this.bm25.delete(id);
      this.docs[id] = undefined;
      this.free.push(id);
      for (const t of this.toolTerms.get(id) ?? []) decrement(this.toolDf, t);
      this.toolTerms.delete(id);
    }
    for (const t of this.serverTerms.get(server) ?? []) decrement(this.serverDf, t);
    this.serverTerms.delete(server);
    this.idsByServer.delete(server);
    this.count -= ids.length;
    this.invalidateLinks();
  }

  /** `allow` hides tools a client may not see: they are neither matches nor counted in `total`. */
  search(
    query: string,
    opts: { limit?: number; server?: string; allow?: (server: string, tool: string) => boolean } = {},
  ): { matches: ToolMatch[]; total: number } {
    const limit = opts.limit ?? 10;
    const weights = this.queryWeights(query);
    if (weights.size === 0 || this.count === 0) return { matches: [], total: 0 };
    const { score, matched, touched } = this.bm25.search(weights);
    const only = opts.server;
    const hits: Hit[] = [];
    for (const id of touched) {
      if (only !== undefined && this.docs[id]!.serverName !== only) continue;
      if (opts.allow && !opts.allow(this.docs[id]!.serverName, this.docs[id]!.tool)) continue;
      // Like MiniSearch: a tool matching more of the query's terms is worth proportionally more.
      hits.push({ id, score: score[id] * matched[id] });
    }
    if (hits.length === 0) return { matches: [], total: 0 };
    const scored = this.liftProducers(hits);
    const matches = scored.slice(0, limit).map(({ id, score }) => {
      const doc = this.docs[id]!;
      return {
        server: doc.serverName,
        tool: doc.tool,
        description: doc.description,
        score,
        inputSchema: doc.inputSchema,
      };
    });
    return { matches, total: scored.length };
  }

  /** Query terms with their weights: filler dropped, synonyms added, and each weighted by how topical it is. */
  private queryWeights(query: string): Map<string, number> {
    const { dropFiller, synonymWeight, serverIdfPower } = this.options;
    const weights = new Map<string, number>();
    for (const term of this.analyze(query)) {
      if (weights.size >= MAX_QUERY_TERMS) break;
      if (!(dropFiller && isQueryFiller(term))) weights.set(term, 1);
    }
    if (synonymWeight > 0) {
      for (const term of [...weights.keys()]) {
        for (const syn of synonymsOf(term)) if (!weights.has(syn)) weights.set(syn, synonymWeight);
      }
    }
    if (serverIdfPower > 0) {
      const n = this.serverTerms.size;
      // A word every server uses keeps a small weight rather than none: with a single server, every word is one.
      const floor = Math.log((n + 1) / (n + 0.5)) / Math.log(n + 1);
      for (const [term, w] of weights) {
        const idf = Math.log((n + 1) / ((this.serverDf.get(term) ?? 0) + 1)) / Math.log(n + 1);
        weights.set(term, w * Math.max(idf, floor) ** serverIdfPower);
      }
    }
    return weights;
  }

  /** Scores normalised to the best hit, then each tool lifts the siblings that produce its required inputs. */
  private liftProducers(hits: Hit[]): Hit[] {
    hits.sort((a, b) => b.score - a.score);
    const top = hits[0].score > 0 ? hits[0].score : 1;
    for (const h of hits) h.score /= top;
    const { chainLift } = this.options;
    if (chainLift <= 0) return hits;
    const lift = new Map<number, number>();
    // Only strong hits lend weight; the long tail of one-word matches would add time, not order.
    for (const { id, score } of hits.slice(0, MAX_LIFTERS)) {
      for (const [producer, strength] of this.producersOf(id)) {
        lift.set(producer, Math.max(lift.get(producer) ?? 0, strength * score));
      }
    }
    if (lift.size === 0) return hits;
    for (const h of hits) {
      const v = lift.get(h.id);
      if (v !== undefined) {
        h.score += chainLift * v;
        lift.delete(h.id);
      }
    }
    for (const [id, v] of lift) hits.push({ id, score: chainLift * v });
    return hits.sort((a, b) => b.score - a.score);
  }

  private invalidateLinks(): void {
    this.producers = new Map();
    this.linkedServers = new Set();
  }

  private producersOf(id: number): [number, number][] {
    const server = this.docs[id]!.serverName;
    if (!this.linkedServers.has(server)) this.linkServer(server);
    return this.producers.get(id) ?? [];
  }

  /**
   * A sibling produces a tool's input when its description names the rare words of that tool's required
   * parameters without taking them itself: geocode_address mentions latitude/longitude, which
   * find_nearby_places requires. Agents call such producers first, so they belong next to their consumers.
   */
  private linkServer(server: string): void {
    this.linkedServers.add(server);
    const ids = this.idsByServer.get(server) ?? [];
    const n = this.count;
    const idf = (t: string) => Math.log(n / Math.max(1, this.toolDf.get(t) ?? 0));
    const minCovered = MIN_LINK_IDF * Math.log(n);
    for (const consumer of ids) {
      const need = this.docs[consumer]!.required;
      let needIdf = 0;
      for (const t of need) needIdf += idf(t);
      if (needIdf === 0) continue;
      const links: [number, number][] = [];
      for (const producer of ids) {
        if (producer === consumer) continue;
        const takes = this.docs[producer]!.required;
        const says = this.toolTerms.get(producer)!;
        let covered = 0;
        let shared = 0;
        for (const t of need) {
          if (takes.has(t)) shared++;
          else if (says.has(t)) covered += idf(t);
        }
        const share = covered / needIdf;
        if (shared * 2 < need.size && covered >= minCovered && share >= MIN_LINK_SHARE) links.push([producer, share]);
      }
      if (links.length > 0) this.producers.set(consumer, links);
    }
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 0) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

/** The first sentence says what a tool does; later ones are usage notes and caveats. */
function firstSentence(text: string): string {
  const m = /^\s*([\s\S]*?[.!?。！？])(?:\s|$)/.exec(text);
  return (m ? m[1] : text).slice(0, 300);
}

function requiredParams(schema: Record<string, unknown> | undefined): string[] {
  const req = schema?.required;
  return Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : [];
}

/** Parameter names and descriptions, two levels deep: enough to say what a tool takes. */
function schemaText(schema: unknown, depth = 0): string {
  if (!schema || typeof schema !== 'object' || depth > 2) return '';
  const { properties, items } = schema as Record<string, unknown>;
  const parts: string[] = [];
  if (properties && typeof properties === 'object') {
    for (const [key, value] of Object.entries(properties as Record<string, unknown>)) {
      parts.push(key);
      const description = (value as Record<string, unknown> | null)?.description;
      if (typeof description === 'string') parts.push(description);
      parts.push(schemaText(value, depth + 1));
    }
  }
  if (items) parts.push(schemaText(items, depth + 1));
  return parts.filter(Boolean).join(' ');
}
