import MiniSearch from 'minisearch';
import { analyze, processTerm, tokenize } from './tokenize.js';

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

export interface RankingOptions {
  boosts: { name: number; title: number; summary: number; description: number; params: number; server: number };
  bm25: { k: number; b: number; d: number };
  dedupeQuery: boolean;
  fillerStop: boolean;
  pathWeight: number;
  serverWeight: number;
  serverMode: 'doc' | 'agg';
  aggTop: number;
  coverageWeight: number;
  diversity: number;
  prf: { docs: number; terms: number; weight: number };
  serverBoosts: { name: number; description: number; tools: number };
  lexicon: number;
  refLift: number;
  assoc: { terms: number; weight: number; minDf: number; field: 'name' | 'all' };
  chainLift: number;
  chainMin: number;
  serverIdf: number;
  clauseWeight: number;
  clauseSplit: 'sentence' | 'comma' | 'and';
}

export const DEFAULT_RANKING: RankingOptions = {
  boosts: { name: 2, title: 1, summary: 0, description: 1, params: 0.5, server: 0.5 },
  bm25: { k: 1.2, b: 0.7, d: 0.5 },
  dedupeQuery: false,
  fillerStop: false,
  pathWeight: 0,
  serverWeight: 0.3,
  serverMode: 'doc',
  aggTop: 3,
  coverageWeight: 0,
  diversity: 1,
  prf: { docs: 0, terms: 0, weight: 0 },
  serverBoosts: { name: 2, description: 1, tools: 0.5 },
  lexicon: 0,
  refLift: 0,
  assoc: { terms: 0, weight: 0, minDf: 2, field: 'all' },
  chainLift: 0,
  chainMin: 0.5,
  serverIdf: 0,
  clauseWeight: 0,
  clauseSplit: 'comma',
};
const SPLITS = {
  sentence: /[.;!?。；！？]+(?:\s+|$)/,
  comma: /[.;!?。；！？]+(?:\s+|$)|,\s+|\bthen\b/,
  and: /[.;!?。；！？]+(?:\s+|$)|,\s+|\bthen\b|\band\b/,
};

const LEXICON_RAW: Record<string, string> = {
  save: 'write', store: 'write', export: 'write', persist: 'write',
  find: 'search', lookup: 'search', look: 'search', query: 'search',
  show: 'get', display: 'get', view: 'get', fetch: 'get', retrieve: 'get',
  remove: 'delete', erase: 'delete',
  make: 'create', generate: 'create', build: 'create', produce: 'create',
  picture: 'image', photo: 'image', pic: 'image',
  md: 'markdown', docx: 'word document', doc: 'word document', xlsx: 'excel spreadsheet', xls: 'excel spreadsheet',
  pptx: 'powerpoint presentation', ppt: 'powerpoint presentation', py: 'python', js: 'javascript', ts: 'typescript',
  png: 'image', jpg: 'image', jpeg: 'image', svg: 'image', wav: 'audio', mp3: 'audio', mp4: 'video', txt: 'text',
};
const LEXICON = new Map<string, string[]>();
for (const [k, v] of Object.entries(LEXICON_RAW)) {
  const key = processTerm(k);
  if (key) LEXICON.set(key, analyze(v));
}

const FILLER = new Set(
  'help want need like tell know give show make let pleas could would im ll ve re don doesn thank'.split(' ').map((w) => processTerm(w) ?? w),
);
const PATH = /(?:^|\s)(?:~|\.{1,2})?\/[\w.\-/]+|\b[a-z]:\\[\w.\-\\]+/gi;

interface ToolDoc {
  id: string;
  server: string;
  tool: string;
  name: string;
  title: string;
  summary: string;
  description: string;
  params: string;
  serverText: string;
  inputSchema: Record<string, unknown>;
}

interface ServerDoc {
  id: string;
  name: string;
  description: string;
  tools: string;
}

type Hit = { id: string; score: number; queryTerms: string[] };

export class ToolSearchIndex {
  private readonly options: RankingOptions;
  private readonly tools: MiniSearch<ToolDoc>;
  private readonly servers: MiniSearch<ServerDoc>;
  private readonly docs = new Map<string, ToolDoc>();
  private readonly idsByServer = new Map<string, string[]>();
  private readonly nameTerms = new Map<string, string[]>();
  private readonly docTerms = new Map<string, Set<string>>();
  /** consumer id -> [producer id, strength]: siblings whose output the consumer's required inputs name. */
  private readonly producers = new Map<string, [string, number][]>();
  private readonly serverTerms = new Map<string, Set<string>>();
  private readonly serverTermDf = new Map<string, number>();
  private assocCache: Map<string, [string, number][]> | undefined;

  constructor(options: Partial<RankingOptions> = {}) {
    this.options = { ...DEFAULT_RANKING, ...options };
    const shared = {
      tokenize: (text: string) => tokenize(text),
      processTerm: (t: string) => processTerm(t),
      // Queries arrive already analysed (see analyzeQuery), so searching only splits on spaces.
      searchOptions: { tokenize: (q: string) => q.split(' '), processTerm: (t: string) => t },
    };
    this.tools = new MiniSearch<ToolDoc>({
      fields: ['name', 'title', 'summary', 'description', 'params', 'serverText'],
      ...shared,
      searchOptions: {
        ...shared.searchOptions,
        boost: { ...this.options.boosts, serverText: this.options.boosts.server },
        bm25: this.options.bm25,
      },
    });
    this.servers = new MiniSearch<ServerDoc>({
      fields: ['name', 'description', 'tools'],
      ...shared,
      searchOptions: { ...shared.searchOptions, boost: this.options.serverBoosts, bm25: this.options.bm25 },
    });
  }

  get size(): number {
    return this.docs.size;
  }

  setServer(server: string, serverDescription: string | undefined, tools: SearchableTool[]): void {
    this.removeServer(server);
    const serverText = `${server} ${serverDescription ?? ''}`;
    const byId = new Map<string, ToolDoc>();
    for (const tool of tools) {
      const title = tool.title ?? (typeof tool.annotations?.title === 'string' ? tool.annotations.title : '');
      const description = tool.description ?? '';
      const id = `${server}\u0000${tool.name}`;
      // A repeated name within one server collides on id; the last definition wins, as in tools/list.
      byId.set(id, {
        id,
        server,
        tool: tool.name,
        name: tool.name,
        title,
        summary: firstSentence(description),
        description,
        params: schemaText(tool.inputSchema),
        serverText,
        inputSchema: tool.inputSchema ?? {},
      });
    }
    const docs = [...byId.values()];
    for (const doc of docs) {
      this.docs.set(doc.id, doc);
      this.nameTerms.set(doc.id, analyze(`${doc.name} ${doc.title}`));
      this.docTerms.set(
        doc.id,
        new Set(analyze(this.options.assoc.field === 'name' ? `${doc.name} ${doc.title} ${doc.summary}` : `${doc.name} ${doc.title} ${doc.description} ${doc.params}`)),
      );
    }
    this.assocCache = undefined;
    this.idsByServer.set(
      server,
      docs.map((d) => d.id),
    );
    this.linkProducers(docs, tools);
    const sterms = new Set(analyze(`${serverText} ${docs.map((d) => `${d.name} ${d.title} ${d.description} ${d.params}`).join(' ')}`));
    this.serverTerms.set(server, sterms);
    for (const t of sterms) this.serverTermDf.set(t, (this.serverTermDf.get(t) ?? 0) + 1);
    this.tools.addAll(docs);
    this.servers.add({
      id: server,
      name: server,
      description: serverDescription ?? '',
      tools: docs.map((d) => `${d.name} ${d.title} ${d.summary}`).join(' '),
    });
  }

  removeServer(server: string): void {
    const ids = this.idsByServer.get(server);
    if (!ids) return;
    for (const id of ids) {
      this.tools.discard(id);
      this.docs.delete(id);
      this.nameTerms.delete(id);
      this.docTerms.delete(id);
      this.producers.delete(id);
    }
    this.assocCache = undefined;
    this.servers.discard(server);
    for (const t of this.serverTerms.get(server) ?? []) this.serverTermDf.set(t, (this.serverTermDf.get(t) ?? 1) - 1);
    this.serverTerms.delete(server);
    this.idsByServer.delete(server);
  }

  search(query: string, opts: { limit?: number; server?: string } = {}): { matches: ToolMatch[]; total: number } {
    const limit = opts.limit ?? 10;
    const weights = this.analyzeQuery(query);
    if (weights.size === 0 || this.docs.size === 0) return { matches: [], total: 0 };
    let hits = this.run(weights);
    const { prf } = this.options;
    if (prf.docs > 0 && hits.length > 0) {
      this.expand(weights, hits.slice(0, prf.docs));
      hits = this.run(weights);
    }
    if (this.options.clauseWeight > 0) hits = this.fuseClauses(query, hits);
    if (opts.server !== undefined) hits = hits.filter((h) => this.docs.get(h.id)?.server === opts.server);
    if (hits.length === 0) return { matches: [], total: 0 };
    const scored = this.rerank(weights, hits);
    const matches = scored.slice(0, limit).map(({ doc, score }) => ({
      server: doc.server,
      tool: doc.tool,
      description: doc.description,
      score,
      inputSchema: doc.inputSchema,
    }));
    return { matches, total: hits.length };
  }

  private analyzeQuery(query: string): Map<string, number> {
    const weights = new Map<string, number>();
    const { fillerStop, dedupeQuery, pathWeight } = this.options;
    for (const term of analyze(query)) {
      if (fillerStop && FILLER.has(term)) continue;
      weights.set(term, dedupeQuery ? 1 : (weights.get(term) ?? 0) + 1);
    }
    if (this.options.assoc.terms > 0) {
      const assoc = this.associations();
      const base = [...weights.entries()];
      for (const [t, w] of base)
        for (const [e, a] of (assoc.get(t) ?? []).slice(0, this.options.assoc.terms))
          if (!base.some(([b]) => b === e)) weights.set(e, Math.max(weights.get(e) ?? 0, w * a * this.options.assoc.weight));
    }
    if (this.options.lexicon > 0) {
      for (const t of [...weights.keys()]) for (const e of LEXICON.get(t) ?? []) if (!weights.has(e)) weights.set(e, this.options.lexicon);
    }
    if (pathWeight > 0 && PATH.test(query)) {
      for (const t of analyze('file path')) weights.set(t, Math.max(weights.get(t) ?? 0, pathWeight));
    }
    PATH.lastIndex = 0;
    if (this.options.serverIdf > 0) {
      const n = this.idsByServer.size;
      for (const [t, w] of weights) {
        const sdf = this.serverDf(t);
        const idf = Math.log((n + 1) / (sdf + 1)) / Math.log(n + 1);
        weights.set(t, w * idf ** this.options.serverIdf);
      }
    }
    return weights;
  }

  private run(weights: Map<string, number>): Hit[] {
    const q = [...weights.keys()].join(' ');
    return this.tools.search(q, { combineWith: 'OR', boostTerm: (t) => weights.get(t) ?? 1 }) as unknown as Hit[];
  }

  /** Multi-step requests name several needs; scoring each clause alone keeps a short clause from being drowned. */
  private fuseClauses(query: string, hits: Hit[]): Hit[] {
    const parts = query.split(SPLITS[this.options.clauseSplit]).map((p) => this.analyzeQuery(p)).filter((w) => w.size > 0);
    if (parts.length < 2) return hits;
    const top = hits[0] ? Math.max(...hits.map((h) => h.score)) : 1;
    const byId = new Map(hits.map((h) => [h.id, { ...h, score: h.score / top }]));
    const best = new Map<string, number>();
    for (const w of parts) {
      const sub = this.run(w);
      if (sub.length === 0) continue;
      const m = Math.max(...sub.map((h) => h.score));
      for (const h of sub) best.set(h.id, Math.max(best.get(h.id) ?? 0, h.score / m));
    }
    for (const [id, v] of best) {
      const h = byId.get(id);
      if (h) h.score += this.options.clauseWeight * v;
    }
    return [...byId.values()];
  }

  private linkProducers(docs: ToolDoc[], tools: SearchableTool[]): void {
    const required = new Map<string, Set<string>>();
    const outputs = new Map<string, Set<string>>();
    for (const [i, doc] of docs.entries()) {
      const schema = tools.find((t) => t.name === doc.tool)?.inputSchema ?? {};
      const req = Array.isArray(schema.required) ? (schema.required as unknown[]).filter((r) => typeof r === 'string') : [];
      required.set(doc.id, new Set(analyze(req.join(' '))));
      outputs.set(doc.id, new Set(analyze(`${doc.description}`)));
      void i;
    }
    for (const b of docs) {
      const need = required.get(b.id)!;
      if (need.size === 0) continue;
      const links: [string, number][] = [];
      for (const a of docs) {
        if (a.id === b.id) continue;
        const aReq = required.get(a.id)!;
        const out = outputs.get(a.id)!;
        let hit = 0;
        let shared = 0;
        for (const t of need) {
          if (aReq.has(t)) shared++;
          else if (out.has(t)) hit++;
        }
        const strength = hit / need.size;
        if (shared * 2 < need.size && strength >= this.options.chainMin) links.push([a.id, strength]);
      }
      if (links.length > 0) this.producers.set(b.id, links);
    }
  }

  private serverDf(term: string): number {
    return this.serverTermDf.get(term) ?? 0;
  }

  private associations(): Map<string, [string, number][]> {
    if (this.assocCache) return this.assocCache;
    const df = new Map<string, number>();
    const co = new Map<string, Map<string, number>>();
    for (const terms of this.docTerms.values()) {
      for (const a of terms) {
        df.set(a, (df.get(a) ?? 0) + 1);
        let row = co.get(a);
        if (!row) co.set(a, (row = new Map()));
        for (const b of terms) if (b !== a) row.set(b, (row.get(b) ?? 0) + 1);
      }
    }
    const n = this.docTerms.size;
    const out = new Map<string, [string, number][]>();
    for (const [a, row] of co) {
      const list: [string, number][] = [];
      for (const [b, c] of row) {
        if (c < this.options.assoc.minDf) continue;
        // Share of a's documents that also mention b, discounted when b is everywhere.
        const v = (c / df.get(a)!) * Math.log(n / df.get(b)!) / Math.log(n);
        list.push([b, v]);
      }
      list.sort((x, y) => y[1] - x[1]);
      out.set(a, list.slice(0, 10));
    }
    return (this.assocCache = out);
  }

  /** Pseudo-relevance feedback: the name terms of the best hits join the query at a low weight. */
  private expand(weights: Map<string, number>, top: Hit[]): void {
    const counts = new Map<string, number>();
    for (const hit of top) for (const t of this.nameTerms.get(hit.id) ?? []) counts.set(t, (counts.get(t) ?? 0) + hit.score);
    const best = [...counts.entries()].filter(([t]) => !weights.has(t)).sort((a, b) => b[1] - a[1]);
    for (const [t] of best.slice(0, this.options.prf.terms)) weights.set(t, this.options.prf.weight);
  }

  private rerank(weights: Map<string, number>, hits: Hit[]): { doc: ToolDoc; score: number }[] {
    const { serverWeight, coverageWeight, diversity, serverMode, aggTop } = this.options;
    const top = Math.max(...hits.map((h) => h.score));
    const serverScore = new Map<string, number>();
    if (serverWeight > 0 && serverMode === 'doc') {
      const q = [...weights.keys()].join(' ');
      const serverHits = this.servers.search(q, { combineWith: 'OR', boostTerm: (t) => weights.get(t) ?? 1 });
      const best = serverHits[0]?.score ?? 1;
      for (const h of serverHits) serverScore.set(h.id as string, h.score / best);
    } else if (serverWeight > 0) {
      const per = new Map<string, number[]>();
      for (const h of hits) {
        const s = this.docs.get(h.id)!.server;
        const list = per.get(s) ?? [];
        list.push(h.score / top);
        per.set(s, list);
      }
      let best = 0;
      for (const [s, list] of per) {
        const v = list.sort((a, b) => b - a).slice(0, aggTop).reduce((a, b) => a + b, 0);
        serverScore.set(s, v);
        best = Math.max(best, v);
      }
      for (const [s, v] of serverScore) serverScore.set(s, v / best);
    }
    let totalWeight = 0;
    for (const w of weights.values()) totalWeight += w;
    const scored = hits.map((hit) => {
      const doc = this.docs.get(hit.id)!;
      let score = hit.score / top + serverWeight * (serverScore.get(doc.server) ?? 0);
      if (coverageWeight > 0) {
        let covered = 0;
        for (const t of hit.queryTerms) covered += weights.get(t) ?? 0;
        score += (coverageWeight * covered) / totalWeight;
      }
      return { doc, score };
    });
    if (this.options.chainLift > 0) {
      const byId = new Map(scored.map((s) => [s.doc.id, s]));
      const lift = new Map<string, number>();
      for (const s of scored) {
        for (const [a, strength] of this.producers.get(s.doc.id) ?? []) {
          lift.set(a, Math.max(lift.get(a) ?? 0, strength * s.score));
        }
      }
      for (const [a, v] of lift) {
        const entry = byId.get(a);
        if (entry) entry.score += this.options.chainLift * v;
        else {
          const doc = this.docs.get(a);
          if (doc) scored.push({ doc, score: this.options.chainLift * v });
        }
      }
    }
    scored.sort((a, b) => b.score - a.score);
    if (diversity < 1) {
      const seen = new Map<string, number>();
      for (const s of scored) {
        const n = seen.get(s.doc.server) ?? 0;
        s.score *= diversity ** n;
        seen.set(s.doc.server, n + 1);
      }
      scored.sort((a, b) => b.score - a.score);
    }
    return scored;
  }
}

function firstSentence(text: string): string {
  const m = /^\s*([\s\S]*?[.!?。！？])(\s|$)/.exec(text);
  return (m ? m[1] : text).slice(0, 300);
}

/** Parameter names and descriptions, one level of nesting deep: enough to say what a tool takes. */
function schemaText(schema: Record<string, unknown> | undefined, depth = 0): string {
  const props = schema?.properties;
  if (!props || typeof props !== 'object' || depth > 1) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(props as Record<string, unknown>)) {
    parts.push(key);
    if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (typeof v.description === 'string') parts.push(v.description);
      if (typeof v.items === 'object') parts.push(schemaText(v.items as Record<string, unknown>, depth + 1));
      parts.push(schemaText(v, depth + 1));
    }
  }
  return parts.join(' ');
}
