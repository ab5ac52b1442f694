import MiniSearch from 'minisearch';
import { analyze, isQueryFiller, processTerm, synonymsOf, tokenize } from './tokenize.js';

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
  /** Weight of query-side synonyms (file formats, API verbs); 0 turns them off. */
  synonymWeight: number;
  /** Query terms are weighted by (server-level idf)^power: words every server uses say little about which tool is meant. */
  serverIdfPower: number;
  /** Share of a tool's score passed to the sibling that produces its required inputs (geocode before nearby search). */
  chainLift: number;
}

export type SearchField = 'name' | 'title' | 'summary' | 'description' | 'params' | 'server';

export const DEFAULT_RANKING: RankingOptions = {
  boosts: { name: 1, title: 1, summary: 1, description: 1, params: 0.5, server: 0.5 },
  bm25: { k: 1.2, b: 0.75, d: 0.5 },
  dropFiller: true,
  synonymWeight: 1,
  serverIdfPower: 3,
  chainLift: 0.6,
};

interface ToolDoc extends Record<SearchField, string> {
  id: string;
  serverName: string;
  tool: string;
  inputSchema: Record<string, unknown>;
  /** Analysed names of the required parameters, for producer links. */
  required: Set<string>;
}

interface Hit {
  id: string;
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
  private readonly index: MiniSearch<ToolDoc>;
  private readonly docs = new Map<string, ToolDoc>();
  private readonly idsByServer = new Map<string, string[]>();
  /** Per server, the set of terms its whole catalog uses; and per term, how many servers use it. */
  private readonly serverTerms = new Map<string, Set<string>>();
  private readonly serverDf = new Map<string, number>();
  /** Per tool, its description/params terms; and per term, how many tools use it (for link idf). */
  private readonly toolTerms = new Map<string, Set<string>>();
  private readonly toolDf = new Map<string, number>();
  /** consumer id -> producers; derived from catalog-wide idf, so rebuilt lazily after any catalog change. */
  private producers = new Map<string, [string, number][]>();
  private linkedServers = new Set<string>();

  constructor(options: Partial<RankingOptions> = {}) {
    this.options = { ...DEFAULT_RANKING, ...options };
    const { boosts, bm25 } = this.options;
    const fields = (Object.keys(boosts) as SearchField[]).filter((f) => boosts[f] > 0);
    this.index = new MiniSearch<ToolDoc>({
      fields,
      tokenize: (text) => tokenize(text),
      processTerm: (term) => processTerm(term),
      // Queries arrive analysed and weighted (see queryWeights), so search only splits on spaces.
      searchOptions: { boost: boosts, bm25, tokenize: (q) => q.split(' '), processTerm: (t) => t },
    });
  }

  get size(): number {
    return this.docs.size;
  }

  /** Replace the whole catalog of one server (incremental: only that server's documents change). */
  setServer(server: string, serverDescription: string | undefined, tools: SearchableTool[]): void {
    this.removeServer(server);
    const byId = new Map<string, ToolDoc>();
    for (const tool of tools) {
      const id = `${server}\u0000${tool.name}`;
      const description = tool.description ?? '';
      const annotationTitle = typeof tool.annotations?.title === 'string' ? tool.annotations.title : '';
      // A name repeated within one server collides on id; the last definition wins, as a client would see it.
      byId.set(id, {
        id,
        serverName: server,
        tool: tool.name,
        name: tool.name,
        title: tool.title ?? annotationTitle,
        summary: firstSentence(description),
        description,
        params: schemaText(tool.inputSchema),
        server: `${server} ${serverDescription ?? ''}`,
        inputSchema: tool.inputSchema ?? {},
        required: new Set(analyze(requiredParams(tool.inputSchema).join(' '))),
      });
    }
    const docs = [...byId.values()];
    const catalogTerms = new Set(analyze(`${server} ${serverDescription ?? ''}`));
    for (const doc of docs) {
      this.docs.set(doc.id, doc);
      const terms = new Set(analyze(`${doc.name} ${doc.title} ${doc.description} ${doc.params}`));
      this.toolTerms.set(doc.id, terms);
      for (const t of terms) {
        this.toolDf.set(t, (this.toolDf.get(t) ?? 0) + 1);
        catalogTerms.add(t);
      }
    }
    for (const t of catalogTerms) this.serverDf.set(t, (this.serverDf.get(t) ?? 0) + 1);
    this.serverTerms.set(server, catalogTerms);
    this.idsByServer.set(
      server,
      docs.map((d) => d.id),
    );
    this.index.addAll(docs);
    this.invalidateLinks();
  }

  removeServer(server: string): void {
    const ids = this.idsByServer.get(server);
    if (!ids) return;
    for (const id of ids) {
      this.index.discard(id);
      this.docs.delete(id);
      for (const t of this.toolTerms.get(id) ?? []) decrement(this.toolDf, t);
      this.toolTerms.delete(id);
    }
    for (const t of this.serverTerms.get(server) ?? []) decrement(this.serverDf, t);
    this.serverTerms.delete(server);
    this.idsByServer.delete(server);
    this.invalidateLinks();
  }

  search(query: string, opts: { limit?: number; server?: string } = {}): { matches: ToolMatch[]; total: number } {
    const limit = opts.limit ?? 10;
    const weights = this.queryWeights(query);
    if (weights.size === 0 || this.docs.size === 0) return { matches: [], total: 0 };
    const only = opts.server;
    const hits = this.index.search([...weights.keys()].join(' '), {
      combineWith: 'OR',
      boostTerm: (term) => weights.get(term) ?? 1,
      filter: only === undefined ? undefined : (r) => this.docs.get(r.id as string)?.serverName === only,
    }) as unknown as Hit[];
    if (hits.length === 0) return { matches: [], total: 0 };
    const scored = this.liftProducers(hits);
    const matches = scored.slice(0, limit).map(({ id, score }) => {
      const doc = this.docs.get(id)!;
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
    for (const term of analyze(query)) {
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
      for (const [term, w] of weights) {
        const idf = Math.log((n + 1) / ((this.serverDf.get(term) ?? 0) + 1)) / Math.log(n + 1);
        weights.set(term, w * idf ** serverIdfPower);
      }
    }
    return weights;
  }

  /** Scores normalised to the best hit, then each tool lifts the siblings that produce its required inputs. */
  private liftProducers(hits: Hit[]): Hit[] {
    // MiniSearch returns hits best first.
    const top = hits[0].score > 0 ? hits[0].score : 1;
    const scores = new Map(hits.map((h) => [h.id, h.score / top]));
    const { chainLift } = this.options;
    if (chainLift > 0) {
      const lift = new Map<string, number>();
      // Only strong hits lend weight; the long tail of one-word matches would add time, not order.
      for (const { id, score } of hits.slice(0, MAX_LIFTERS)) {
        for (const [producer, strength] of this.producersOf(id)) {
          lift.set(producer, Math.max(lift.get(producer) ?? 0, (strength * score) / top));
        }
      }
      for (const [id, v] of lift) scores.set(id, (scores.get(id) ?? 0) + chainLift * v);
    }
    return [...scores.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
  }

  private invalidateLinks(): void {
    this.producers = new Map();
    this.linkedServers = new Set();
  }

  private producersOf(id: string): [string, number][] {
    const server = this.docs.get(id)!.serverName;
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
    const n = this.docs.size;
    const idf = (t: string) => Math.log(n / Math.max(1, this.toolDf.get(t) ?? 0));
    const minCovered = MIN_LINK_IDF * Math.log(n);
    for (const consumer of ids) {
      const need = this.docs.get(consumer)!.required;
      let needIdf = 0;
      for (const t of need) needIdf += idf(t);
      if (needIdf === 0) continue;
      const links: [string, number][] = [];
      for (const producer of ids) {
        if (producer === consumer) continue;
        const takes = this.docs.get(producer)!.required;
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
