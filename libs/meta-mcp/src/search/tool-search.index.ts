import { Bm25Index } from './bm25.js';
import { gloss, hasHan, loadGlossary, loadedGlossary, type Glossary } from './cjk-gloss.js';
import { FuzzyTerms } from './fuzzy-terms.js';
import { loadFileTypes } from './file-types.js';
import { outputFiles } from './output-files.js';
import { heldWords, splitValues, type QueryValues } from './query-values.js';
import {
  actionFits,
  isNameVerb,
  nameActions,
  requestVerbs,
  toolIntent,
  type Action,
  type Intent,
} from './request-intent.js';
import { exampleMatch, exampleWords, quotedExamples } from './example-requests.js';
import { linkSiblings, type LinkDoc } from './producer-links.js';
import { loadRelatedWords, relatedTerms } from './related-words.js';
import { analyze, identifierWords, isActionWord, isQueryFiller, processTerm, tokenize } from './tokenize.js';

export interface SearchableTool {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  title?: string;
}

/**
 * The text search knows a server by: the operator's description from the config, else what the server says of itself
 * in `initialize` (serverInfo title and name: "memory-server", "Everything Reference Server"). Its instructions are
 * left out: they are long, and name other servers' tools as often as their own.
 */
export function describeServer(
  configured: string | undefined,
  info: { name?: string; title?: string } | undefined,
): string | undefined {
  if (configured) return configured;
  const said = [info?.title, info?.name].filter((s): s is string => !!s).join(' ');
  return said || undefined;
}

export interface ToolMatch {
  server: string;
  tool: string;
  description: string;
  score: number;
  inputSchema: Record<string, unknown>;
}

export interface SearchResult {
  matches: ToolMatch[];
  total: number;
  /** True when no word of the query is in any tool: the matches are the nearest spellings only. */
  partial?: boolean;
}

/**
 * Ranking knobs. Every one is a property of how people ask for tools and how tool catalogs are written, not of one
 * catalog's vocabulary; the defaults were chosen on the dev splits of every set bench/search-eval.ts knows.
 */
export interface RankingOptions {
  /** Field weights of the per-field BM25 (as MiniSearch sums it); a field weighted 0 is left out of the index. */
  boosts: Record<SearchField, number>;
  bm25: { k: number; b: number; d: number };
  /** Drop conversational filler ("help me", "I want") from queries. */
  dropFiller: boolean;
  /** Weight of generic action verbs (get, create, delete...) against the words naming what a tool works on. */
  actionWeight: number;
  /** Requests of at most this many terms are short: their action verbs weigh like their other words. 0: none. */
  shortTerms: number;
  /** Server-then-tool routing: share of its server's score (whole catalog as one document) a tool adds to its own. */
  routeWeight: number;
  /** Query terms are weighted by (server-level idf)^power: words every server uses say little about which is meant. */
  serverIdfPower: number;
  /**
   * When no word of a query is in any tool: weight of the near spellings (fuzzy-terms.ts) that stand in for its words.
   * 0 lets such a query come back empty.
   */
  fuzzyWeight: number;
  /** Factor on tools that match only the query's action verbs when other tools match the things it names. */
  verbOnlyFactor: number;
  /** Share of a tool's score passed to the sibling that produces its required inputs (geocode before nearby search). */
  chainLift: number;
  /**
   * A producer is lifted to at most this share of the score of the tool that needs it, so it shows near that tool but
   * never above it or above the other tools the request names outright; 0 leaves the lift uncapped.
   */
  liftCap: number;
  /**
   * Weight of the English glosses (cjk-gloss.ts) of a Chinese query's words, beside its own characters; the glosses
   * of Chinese tool text are the `gloss` field. 0 (and a `gloss` boost of 0) leaves the dictionary unloaded.
   */
  queryGlossWeight: number;
  /**
   * Added (on the scale of the best tool's 1) to a tool by the share of its name's words the query has, verbs
   * included, raised to `nameCoverPower`: "get output of my actor" names get-actor-output outright.
   */
  nameCover: number;
  nameCoverPower: number;
  /**
   * When no word of a request is in any tool, its words' general-English relatives (related-words.ts) that tools use
   * stand in for them, before near spellings: "remember" finds the memory server. A request with a catalog word is
   * ranked by its own words alone: a relative of its other words ("notes" ~ "observations") must not outrank what it
   * names ("read /tmp/notes/today.md" is read_file). false leaves the word list unloaded.
   */
  relatedWords: boolean;
  /** Weight of "write file" added to a request that asks for its answer in a text file (output-files.ts). */
  writeFileWeight: number;
  /**
   * Argument values in requests (query-values.ts): the words inside URLs, paths, e-mail addresses, owner/name slugs,
   * IDs and quoted literals, and names (capitalised within a sentence) that no tool or server is named by, weigh
   * `words` times a request word; what a value is weighs `kind` times a request word: a URL adds "url", a path "file"
   * (or "directory"), an arithmetic expression "calculate math expression", and a file's extension and a URL's site
   * name are kept at that weight. `words` 1 with `kind` 0 reads values as ordinary words.
   */
  values: { words: number; kind: number };
  /**
   * Added (on the scale of the best tool's 1) to a tool by how closely the request is worded like one of the example
   * requests its description quotes (example-requests.ts), raised to `examplePower`. 0 ignores them.
   */
  exampleWeight: number;
  examplePower: number;
  /** Factor on annotated tools on the other side (read-only vs not) than what the request asks; 1 ignores it. */
  intentFactor: number;
  /**
   * Factor on tools whose name's verbs (get, create, delete, manage...) say another action than a short request's verb
   * (request-intent.ts), where a sibling on the same thing fits it: "remove the arrow" is delete_connector, not
   * create_connector. 1 ignores it.
   */
  actionFactor: number;
  /**
   * A request that asks for its answer in a binary document ("... in a PPT at /root/ppt/apple.pptx") needs the tools
   * that create and save that type (named by its MIME type: presentation) besides those for its content: the best
   * tool for each comes right after this many of the request's own best tools. 0 ignores such requests.
   */
  documentSlots: number;
  /**
   * Stemming joins a word's forms ("contexts", "context", "contextual"), and the joined stem is often used by many
   * servers. In a short request, where every word was chosen, a tool whose name or description has the very form the
   * request wrote (an inflected or derived one: "status contexts", "validated ideas") gains this share of its BM25 on
   * those forms. 0: stems alone.
   */
  surfaceWeight: number;
  /**
   * A tool whose required input the request already holds ("this bar", "bar 456": query-values.ts heldWords) lifts no
   * producer of it.
   */
  heldInputs: boolean;
}

export type SearchField = 'name' | 'title' | 'summary' | 'description' | 'params' | 'server' | 'gloss';

export const DEFAULT_RANKING: RankingOptions = {
  boosts: { name: 2, title: 1, summary: 0, description: 1, params: 0.5, server: 0.5, gloss: 0.5 },
  bm25: { k: 1.2, b: 0.75, d: 0 },
  dropFiller: true,
  actionWeight: 0.5,
  shortTerms: 8,
  routeWeight: 0.15,
  serverIdfPower: 1,
  fuzzyWeight: 0.5,
  verbOnlyFactor: 0.3,
  chainLift: 0.6,
  liftCap: 0.5,
  queryGlossWeight: 0.5,
  nameCover: 0.25,
  nameCoverPower: 2,
  relatedWords: true,
  writeFileWeight: 2,
  values: { words: 0.5, kind: 0.5 },
  exampleWeight: 2,
  examplePower: 2,
  intentFactor: 0.6,
  actionFactor: 0.5,
  documentSlots: 1,
  surfaceWeight: 0.5,
  heldInputs: true,
};

interface ToolDoc extends Record<SearchField, string>, LinkDoc {
  /** Analysed terms of its name, title and server name: what a partial match may stand in for. */
  nameTerms: Set<string>;
  /** The distinct words of its name alone. */
  nameWords: string[];
  /** The example requests its description quotes (example-requests.ts). */
  examples: Set<string>[];
  /** Read-only or not, per its annotations (request-intent.ts). */
  intent: Intent | undefined;
  /** What its name's verbs say it does (request-intent.ts). */
  actions: Set<Action | 'write'>;
  /** The words of its name that say what it works on: not verbs, nor in every name of its server ("miro_"). */
  objects: string[];
  serverName: string;
  tool: string;
  inputSchema: Record<string, unknown>;
}

interface ParsedRequest {
  query: string;
  /** Its argument values taken apart (query-values.ts); undefined when values are read as ordinary words. */
  values: QueryValues | undefined;
  /** The files it asks its answer in (output-files.ts). */
  outputs: { text: boolean; documents: string[] };
  /** The analysed words of the things it already holds (query-values.ts heldWords): no producer is lifted for them. */
  held: Set<string>;
}

interface Hit {
  id: number;
  score: number;
}

// Bounds the cost of a pasted document used as a query; real requests stay well below it.
const MAX_QUERY_TERMS = 128;
const MAX_LIFTERS = 30;
// Near spellings, when nothing else matches: the best ones per word down to this similarity beat an empty answer.
const FUZZY_MIN = 0.2;
const FUZZY_PER_TERM = 2;
// The server view: a server's name and description, its tool names, and its tool descriptions.
const SERVER_BOOSTS = [1, 1, 0.5];
// What a request for a document needs done to it: made, then kept.
const DOCUMENT_VERBS = ['create', 'save'];

export class ToolSearchIndex {
  private readonly options: RankingOptions;
  private readonly fields: SearchField[];
  private readonly bm25: Bm25Index;
  private readonly servers: Bm25Index;
  /** The same BM25 over the unstemmed word forms (SURFACE-prefixed) of names and descriptions. */
  private readonly surface: Bm25Index;
  /** Documents by number (the BM25 index's key); numbers of removed tools are reused. */
  private readonly docs: (ToolDoc | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly idsByServer = new Map<string, number[]>();
  /** Server number in the server view, by name; numbers of removed servers are reused. */
  private readonly serverNumbers = new Map<string, number>();
  private readonly freeServers: number[] = [];
  private nextServerNumber = 0;
  /** Per server, the set of terms its whole catalog uses; and per term, how many servers use it. */
  private readonly serverTerms = new Map<string, Set<string>>();
  private readonly serverDf = new Map<string, number>();
  /** Per term, how many tools use it (for link idf); and how many use it in their name, title or server name. */
  private readonly toolDf = new Map<string, number>();
  private readonly nameDf = new Map<string, number>();
  /** consumer -> producers; derived from catalog-wide idf, so rebuilt lazily after any catalog change. */
  private producers = new Map<number, [number, number][]>();
  private linkedServers = new Set<string>();
  /** Near spellings among the terms of tool and server names; dropped at every catalog change. */
  private fuzzy: FuzzyTerms | undefined;
  /** Near spellings among every word of the tools: the last resort when names have none. */
  private fuzzyAll: FuzzyTerms | undefined;
  private count = 0;

  constructor(options: Partial<RankingOptions> = {}) {
    this.options = { ...DEFAULT_RANKING, ...options };
    const { boosts, bm25 } = this.options;
    this.fields = (Object.keys(boosts) as SearchField[]).filter((f) => boosts[f] > 0);
    this.bm25 = new Bm25Index(
      this.fields.map((f) => boosts[f]),
      bm25,
    );
    this.servers = new Bm25Index(SERVER_BOOSTS, bm25);
    this.surface = new Bm25Index([boosts.name, boosts.description], bm25);
  }

  get size(): number {
    return this.count;
  }

  /** One tool as a match (score 0), or undefined if the server has no such tool. */
  lookup(server: string, tool: string): ToolMatch | undefined {
    for (const id of this.idsByServer.get(server) ?? []) {
      const doc = this.docs[id]!;
      if (doc.tool === tool) {
        return { server, tool, description: doc.description, score: 0, inputSchema: doc.inputSchema };
      }
    }
    return undefined;
  }

  /** Replace the whole catalog of one server (incremental: only that server's documents change). */
  setServer(server: string, serverDescription: string | undefined, tools: SearchableTool[]): void {
    this.removeServer(server);
    if (this.options.relatedWords) loadRelatedWords();
    if (this.options.writeFileWeight > 0 || this.options.documentSlots > 0 || readsValues(this.options.values)) {
      loadFileTypes();
    }
    const dict = this.glossaryFor(serverDescription, tools);
    const glossOf = (text: string) => (dict ? analyze(gloss(text, dict)) : []);
    const head = analyze(`${server} ${serverDescription ?? ''}`);
    const headGloss = glossOf(serverDescription ?? '');
    head.push(...headGloss);
    const serverName = analyze(server);
    // Each text is analysed once; the field lists, link terms, name terms and the server view share the results.
    const byName = new Map<string, { doc: ToolDoc; fields: Record<SearchField, string[]>; forms: string[][] }>();
    for (const tool of tools) {
      const description = tool.description ?? '';
      const annotationTitle = typeof tool.annotations?.title === 'string' ? tool.annotations.title : '';
      const title = tool.title ?? annotationTitle;
      const params = schemaText(tool.inputSchema);
      const summary = firstSentence(description);
      const [nameTerms, nameForms] = analyzeWithForms(tool.name);
      const [descriptionTerms, descriptionForms] = analyzeWithForms(description);
      const fields: Record<SearchField, string[]> = {
        name: nameTerms,
        title: analyze(title),
        summary: this.options.boosts.summary > 0 ? analyze(summary) : [],
        description: descriptionTerms,
        params: analyze(params),
        server: head,
        gloss: glossOf(`${tool.name} ${title} ${description} ${params}`),
      };
      // A name repeated within one server collides; the last definition wins, as a client would see it.
      byName.set(tool.name, {
        fields,
        forms: [nameForms, descriptionForms],
        doc: {
          serverName: server,
          tool: tool.name,
          name: tool.name,
          title,
          summary,
          description,
          params,
          server: `${server} ${serverDescription ?? ''}`,
          gloss: '',
          inputSchema: tool.inputSchema ?? {},
          required: new Set(analyze(requiredParams(tool.inputSchema).join(' '))),
          terms: new Set([...fields.name, ...fields.title, ...fields.description, ...fields.params]),
          nameTerms: new Set([...fields.name, ...fields.title, ...serverName]),
          nameWords: [...new Set(identifierWords(tool.name))],
          examples: this.options.exampleWeight > 0 ? quotedExamples(description) : [],
          intent: toolIntent(tool.annotations),
          actions: nameActions(tool.name),
          objects: [],
        },
      });
    }
    const inNames = new Map<string, number>();
    for (const { doc } of byName.values()) for (const w of doc.nameWords) inNames.set(w, (inNames.get(w) ?? 0) + 1);
    for (const { doc } of byName.values()) {
      doc.objects = doc.nameWords.filter((w) => !isNameVerb(w) && inNames.get(w)! < byName.size);
    }
    const catalogTerms = new Set(head);
    const names: string[] = [];
    const texts: string[] = [];
    const ids: number[] = [];
    for (const { doc, fields, forms } of byName.values()) {
      const id = this.free.pop() ?? this.docs.length;
      this.docs[id] = doc;
      ids.push(id);
      this.bm25.set(
        id,
        this.fields.map((f) => fields[f]),
      );
      if (this.options.surfaceWeight > 0) {
        this.surface.set(id, forms);
        // Their server-level idf, as for stems.
        for (const t of forms.flat()) catalogTerms.add(t);
      }
      for (const t of doc.terms) {
        this.toolDf.set(t, (this.toolDf.get(t) ?? 0) + 1);
        catalogTerms.add(t);
      }
      for (const t of fields.gloss) catalogTerms.add(t);
      for (const t of doc.nameTerms) this.nameDf.set(t, (this.nameDf.get(t) ?? 0) + 1);
      names.push(...fields.name, ...fields.title);
      texts.push(...fields.description, ...fields.params, ...fields.gloss);
    }
    const number = this.freeServers.pop() ?? this.nextServerNumber++;
    this.serverNumbers.set(server, number);
    this.servers.set(number, [head, names, texts]);
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
      this.surface.delete(id);
      for (const t of this.docs[id]!.terms) decrement(this.toolDf, t);
      for (const t of this.docs[id]!.nameTerms) decrement(this.nameDf, t);
      this.docs[id] = undefined;
      this.free.push(id);
    }
    const number = this.serverNumbers.get(server)!;
    this.servers.delete(number);
    this.serverNumbers.delete(server);
    this.freeServers.push(number);
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
  ): SearchResult {
    const limit = opts.limit ?? 10;
    const none: SearchResult = { matches: [], total: 0 };
    if (this.count === 0) return none;
    const request = this.parse(query);
    const terms = this.queryTerms(request);
    if (terms.size === 0) return none;
    const short = terms.size <= this.options.shortTerms;
    const verbOnly = this.weighShortVerbs(terms);
    const { server: only, allow } = opts;
    const keep = (id: number) => {
      const doc = this.docs[id]!;
      return (only === undefined || doc.serverName === only) && (!allow || allow(doc.serverName, doc.tool));
    };
    // Partial: no word of the request is in any tool; what matched stands in for its words (general-English
    // relatives first, then near spellings).
    let partial = ![...terms.keys()].some((t) => this.serverDf.has(t));
    const surface = partial || !short ? undefined : this.surfaceTerms(request, terms);
    let hits = this.score(this.weigh(partial ? this.withRelated(terms) : terms), only, keep, verbOnly, surface);
    this.addExampleMatches(query, hits);
    this.weighVerbs(query, hits, short);
    if (hits.length === 0 && this.options.fuzzyWeight > 0) {
      // Nothing matched: the nearest spellings of its words, however far, rather than an empty answer.
      hits = this.score(this.weigh(this.nearSpellings(terms, FUZZY_MIN)), only, keep);
      // Still nothing: the nearest of every word the tools use, however far, is better than an empty answer.
      if (hits.length === 0) hits = this.score(this.weigh(this.nearSpellings(terms, FUZZY_MIN, 'all')), only, keep);
      partial = true;
    }
    if (hits.length === 0) return none;
    // Lifting may add producers of what matched: a hidden one stays hidden.
    let scored = allow
      ? this.liftProducers(hits, request.held).filter((hit) => keep(hit.id))
      : this.liftProducers(hits, request.held);
    scored = this.addDocumentTools(request.outputs.documents, scored, only, keep);
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
    return partial ? { matches, total: scored.length, partial } : { matches, total: scored.length };
  }

  /**
   * The query's terms with their base weights: filler dropped, action verbs below the words naming things, and the
   * English glosses of its Chinese words below its own words.
   */
  private queryTerms({ query, values: parts, outputs }: ParsedRequest): Map<string, number> {
    const { dropFiller, actionWeight, queryGlossWeight } = this.options;
    const weights = new Map<string, number>();
    const add = (terms: string[], factor: number) => {
      for (const term of terms) {
        if (weights.size >= MAX_QUERY_TERMS) break;
        if (weights.has(term) || (dropFiller && isQueryFiller(term))) continue;
        weights.set(term, factor * (isActionWord(term) ? actionWeight : 1));
      }
    };
    const { values } = this.options;
    if (parts) {
      add(analyze(parts.rest), 1);
      // A name that no tool or server is named by says what the request works on ("forget John Doe"), like a value;
      // one that a tool or server is named by says where to look ("posts on Instagram", "in Desktop Commander").
      const names = analyze(parts.names);
      add(
        names.filter((t) => this.nameDf.has(t)),
        1,
      );
      if (values.words > 0) add(names, values.words);
      if (values.kind > 0) add(analyze(parts.kept), values.kind);
      for (const kind of parts.kinds) {
        for (const term of analyze(kind)) weights.set(term, Math.max(weights.get(term) ?? 0, values.kind));
      }
      if (values.words > 0) add(analyze(parts.args), values.words);
    } else {
      add(analyze(query), 1);
    }
    if (this.options.writeFileWeight > 0 && outputs.text) {
      for (const term of analyze('write file')) {
        const w = this.options.writeFileWeight * (isActionWord(term) ? actionWeight : 1);
        weights.set(term, Math.max(weights.get(term) ?? 0, w));
      }
    }
    if (queryGlossWeight > 0 && hasHan(query)) {
      // The dictionary is loaded by index builds, never by a request: until a catalog needed it, or a load started
      // here has finished, a Chinese query matches by its characters alone.
      const dict = loadedGlossary();
      if (dict) add(analyze(gloss(query, dict)), queryGlossWeight);
      else setImmediate(loadGlossary);
    }
    return weights;
  }

  /**
   * A short request's words whose stem is not the word itself ("contexts", "validated"), as surface forms with their
   * stem's weight times their own server-level idf; undefined for long requests. A stem that only dropped a final e
   * (finance -> financ) is the word's base form: writing it says no more than the stem.
   */
  private surfaceTerms(request: ParsedRequest, terms: Map<string, number>): Map<string, number> | undefined {
    if (this.options.surfaceWeight <= 0) return undefined;
    const forms = new Map<string, number>();
    // The request's own words: argument values (quoted titles, paths) name no tool.
    const words = request.values?.rest ?? request.query;
    for (const token of tokenize(words)) {
      const stem = processTerm(token);
      const form = token.toLowerCase();
      if (stem && stem !== form && form !== stem + 'e' && terms.has(stem)) forms.set(SURFACE + form, terms.get(stem)!);
    }
    return forms.size > 0 ? this.weigh(forms) : undefined;
  }

  /** Each word (none of which a tool uses), joined by its general-English relatives that some tool uses. */
  private withRelated(terms: Map<string, number>): Map<string, number> {
    if (!this.options.relatedWords) return terms;
    let out: Map<string, number> | undefined;
    for (const [term, w] of terms) {
      if (this.serverDf.has(term)) continue;
      for (const [r, strength] of relatedTerms(term)) {
        if (!this.serverDf.has(r)) continue;
        out ??= new Map(terms);
        out.set(r, Math.max(out.get(r) ?? 0, w * strength));
      }
    }
    return out ?? terms;
  }

  /** The dictionary, loaded when this catalog has Chinese text and the ranking uses glosses. */
  private glossaryFor(serverDescription: string | undefined, tools: SearchableTool[]): Glossary | undefined {
    if (this.options.boosts.gloss <= 0) return undefined;
    const chinese =
      hasHan(serverDescription ?? '') ||
      tools.some((t) => hasHan(`${t.name} ${t.title ?? ''} ${t.description ?? ''} ${schemaText(t.inputSchema)}`));
    return chinese ? loadGlossary() : undefined;
  }

  /** Each word no tool uses, replaced by up to two of the catalog's terms spelt most like it. */
  private nearSpellings(
    terms: Map<string, number>,
    minSimilarity: number,
    vocabulary: 'names' | 'all' = 'names',
  ): Map<string, number> {
    const near = new Map<string, number>();
    const fuzzy = vocabulary === 'names' ? this.fuzzyTerms() : (this.fuzzyAll ??= new FuzzyTerms(this.toolDf.keys()));
    for (const [term, w] of terms) {
      for (const { term: t, similarity } of fuzzy.similar(term, minSimilarity, FUZZY_PER_TERM)) {
        near.set(t, Math.max(w * this.options.fuzzyWeight * similarity, near.get(t) ?? 0));
      }
    }
    return near;
  }

  /** Each term weighted by how topical it is: (server-level idf)^power. */
  private weigh(terms: Map<string, number>): Map<string, number> {
    const { serverIdfPower } = this.options;
    if (serverIdfPower <= 0) return terms;
    const n = this.serverTerms.size;
    // A word every server uses keeps a small weight rather than none: with a single server, every word is one.
    const floor = Math.log((n + 1) / (n + 0.5)) / Math.log(n + 1);
    const weights = new Map<string, number>();
    for (const [term, w] of terms) {
      const idf = Math.log((n + 1) / ((this.serverDf.get(term) ?? 0) + 1)) / Math.log(n + 1);
      weights.set(term, w * Math.max(idf, floor) ** serverIdfPower);
    }
    return weights;
  }

  /** Field-weighted BM25 per tool (times the share of query terms matched, like MiniSearch), plus its server's routed share. */
  private score(
    weights: Map<string, number>,
    only: string | undefined,
    keep: (id: number) => boolean,
    verbOnly = this.options.verbOnlyFactor,
    surface?: Map<string, number>,
  ): Hit[] {
    const naming = this.namingTerms(weights);
    const named = naming && new Set(this.bm25.search(naming).touched);
    const { score, matched, touched } = this.bm25.search(weights);
    const hits: Hit[] = [];
    let best = 0;
    const sf = surface && this.surface.search(surface);
    for (const id of touched) {
      if (!keep(id)) continue;
      let s = score[id] * matched[id];
      if (sf?.matched[id]) s += this.options.surfaceWeight * sf.score[id] * matched[id];
      if (named?.size && !named.has(id)) s *= verbOnly;
      hits.push({ id, score: s });
      best = Math.max(best, s);
    }
    if (hits.length === 0) return hits;
    for (const h of hits) h.score /= best || 1;
    const { nameCover, nameCoverPower } = this.options;
    if (nameCover > 0) {
      for (const h of hits) {
        const words = this.docs[h.id]!.nameWords;
        let named = 0;
        for (const w of words) if (weights.has(w)) named++;
        if (named > 0) h.score += nameCover * (named / words.length) ** nameCoverPower;
      }
    }
    const { routeWeight } = this.options;
    if (routeWeight > 0 && only === undefined) {
      // Servers are routed to by the things a request names, when it names any a server has.
      const server = this.servers.search(named?.size ? naming! : weights);
      let top = 0;
      for (const n of server.touched) top = Math.max(top, server.score[n] * server.matched[n]);
      if (top > 0) {
        for (const h of hits) {
          const n = this.serverNumbers.get(this.docs[h.id]!.serverName)!;
          h.score += (routeWeight * server.score[n] * server.matched[n]) / top;
        }
      }
    }
    return hits;
  }

  /**
   * In a short request the verb is much of what it asks ("search the knowledge graph" is search_nodes, not
   * read_graph): its action words weigh like its other words. Tools that match only the verb keep the score they had,
   * so the thing a request names still comes first ("delete a file" is about files). Returns the factor for those.
   */
  private weighShortVerbs(terms: Map<string, number>): number {
    const { actionWeight, shortTerms, verbOnlyFactor } = this.options;
    if (terms.size > shortTerms || actionWeight >= 1 || actionWeight <= 0) return verbOnlyFactor;
    for (const [term, w] of terms) if (isActionWord(term)) terms.set(term, w / actionWeight);
    return verbOnlyFactor * actionWeight;
  }

  /**
   * Tools on the other side of what the request's verb asks move down: annotated tools that read when it changes
   * something or the reverse, and, in a short request, tools whose name says another action where a sibling working on
   * the same thing fits ("remove the arrow" moves create_connector below delete_connector, while a server with no
   * create_page creates pages with its edit_page).
   */
  private weighVerbs(query: string, hits: Hit[], short: boolean): void {
    const { intentFactor, actionFactor } = this.options;
    const byIntent = intentFactor < 1;
    const byAction = short && actionFactor < 1;
    if ((!byIntent && !byAction) || hits.length === 0) return;
    const { intent, action } = requestVerbs(query);
    for (const h of hits) {
      const doc = this.docs[h.id]!;
      if (byIntent && intent && doc.intent && doc.intent !== intent) h.score *= intentFactor;
      if (byAction && action && !actionFits(action, doc.actions) && this.hasFittingSibling(doc, action)) {
        h.score *= actionFactor;
      }
    }
  }

  private hasFittingSibling(doc: ToolDoc, action: Action): boolean {
    return this.idsByServer.get(doc.serverName)!.some((id) => {
      const other = this.docs[id]!;
      return (
        other.actions.size > 0 &&
        actionFits(action, other.actions) &&
        other.objects.some((w) => doc.objects.includes(w))
      );
    });
  }

  /**
   * What search reads off a request once: its argument values (when weighed apart), its output files and the things
   * it holds (when producers are lifted).
   */
  private parse(query: string): ParsedRequest {
    const { writeFileWeight, documentSlots, heldInputs, chainLift } = this.options;
    const needsOutputs = writeFileWeight > 0 || documentSlots > 0;
    return {
      query,
      values: readsValues(this.options.values) ? splitValues(query) : undefined,
      outputs: needsOutputs ? outputFiles(query) : { text: false, documents: [] },
      held: new Set(heldInputs && chainLift > 0 ? analyze(heldWords(query).join(' ')) : []),
    };
  }

  /** Tools whose description quotes a request worded like this one move up by how alike the two are. */
  private addExampleMatches(query: string, hits: Hit[]): void {
    const { exampleWeight, examplePower } = this.options;
    if (exampleWeight <= 0 || hits.length === 0) return;
    const words = exampleWords(query);
    for (const h of hits) {
      const m = exampleMatch(words, this.docs[h.id]!.examples);
      if (m > 0) h.score += exampleWeight * m ** examplePower;
    }
  }

  /** The tools that create and save the binary documents a request asks its answer in, after its best own tools. */
  private addDocumentTools(
    documents: string[],
    hits: Hit[],
    only: string | undefined,
    keep: (id: number) => boolean,
  ): Hit[] {
    const { documentSlots } = this.options;
    if (documentSlots <= 0 || hits.length === 0 || documents.length === 0) return hits;
    const picked: number[] = [];
    const named = (id: number, t: string[]) => t.some((w) => this.docs[id]!.nameTerms.has(w));
    for (const words of documents) {
      // Only a tool whose name says that type (one that saves something else is no help); any such tool makes one
      // (docx_to_pdf), while keeping it is a tool that says so.
      const type = analyze(words);
      for (const verb of DOCUMENT_VERBS) {
        const terms = new Map(analyze(`${verb} ${words}`).map((t) => [t, 1]));
        const says = analyze(verb);
        const best = this.score(this.weigh(terms), only, keep)
          .filter((h) => !picked.includes(h.id) && named(h.id, type))
          .filter((h) => verb === DOCUMENT_VERBS[0] || named(h.id, says))
          .sort((a, b) => b.score - a.score)[0];
        if (best) picked.push(best.id);
      }
    }
    const out = [...hits];
    let at = Math.min(documentSlots, out.length);
    for (const id of picked) {
      const i = out.findIndex((h) => h.id === id);
      // One that already ranks among the request's own best keeps its place ("save the deck as ./q3.pptx").
      if (i >= 0 && i < at) continue;
      if (i >= 0) out.splice(i, 1);
      out.splice(at, 0, { id, score: out[at - 1].score });
      at++;
    }
    return out;
  }

  /** The query's terms other than its action verbs, when it has both: "delete a file" is about files first. */
  private namingTerms(weights: Map<string, number>): Map<string, number> | undefined {
    if (this.options.verbOnlyFactor >= 1) return undefined;
    const things = new Map([...weights].filter(([term]) => !isActionWord(term)));
    return things.size > 0 && things.size < weights.size ? things : undefined;
  }

  /** Each tool lifts the siblings that produce its required inputs. */
  private liftProducers(hits: Hit[], held: Set<string>): Hit[] {
    hits.sort((a, b) => b.score - a.score);
    const { chainLift } = this.options;
    if (chainLift <= 0) return hits;
    const top = hits[0].score > 0 ? hits[0].score : 1;
    const lift = new Map<number, number>();
    // The highest score a producer may reach: a share of the best tool that needs it.
    const cap = new Map<number, number>();
    const { liftCap } = this.options;
    // Only strong hits lend weight; the long tail of one-word matches would add time, not order.
    for (const { id, score } of hits.slice(0, MAX_LIFTERS)) {
      if (held.size > 0 && holdsAny(held, this.docs[id]!.required)) continue;
      for (const [producer, strength] of this.producersOf(id)) {
        lift.set(producer, Math.max(lift.get(producer) ?? 0, (strength * score) / top));
        cap.set(producer, Math.max(cap.get(producer) ?? 0, score * liftCap));
      }
    }
    if (lift.size === 0) return hits;
    const lifted = (own: number, id: number) => {
      const up = own + chainLift * lift.get(id)! * top;
      // A producer that already ranks higher on its own keeps its score.
      return liftCap > 0 ? Math.max(own, Math.min(up, cap.get(id)!)) : up;
    };
    for (const h of hits) {
      if (lift.has(h.id)) {
        h.score = lifted(h.score, h.id);
        lift.delete(h.id);
      }
    }
    for (const id of lift.keys()) hits.push({ id, score: lifted(0, id) });
    return hits.sort((a, b) => b.score - a.score);
  }

  private fuzzyTerms(): FuzzyTerms {
    return (this.fuzzy ??= new FuzzyTerms(this.nameDf.keys()));
  }

  private invalidateLinks(): void {
    this.fuzzy = undefined;
    this.fuzzyAll = undefined;
    this.producers = new Map();
    this.linkedServers = new Set();
  }

  private producersOf(id: number): [number, number][] {
    const server = this.docs[id]!.serverName;
    if (!this.linkedServers.has(server)) {
      this.linkedServers.add(server);
      const links = linkSiblings(this.idsByServer.get(server) ?? [], (i) => this.docs[i]!, this.toolDf, this.count);
      for (const [consumer, producers] of links) this.producers.set(consumer, producers);
    }
    return this.producers.get(id) ?? [];
  }
}

// Marks a word form apart from stems in the server-level counts: no analysed term holds it.
const SURFACE = '=';

/** `analyze`, and the words it kept as written (lowercase, SURFACE-marked, unstemmed), from one pass over the text. */
function analyzeWithForms(text: string): [terms: string[], forms: string[]] {
  const terms: string[] = [];
  const forms: string[] = [];
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (!term) continue;
    terms.push(term);
    forms.push(SURFACE + token.toLowerCase());
  }
  return [terms, forms];
}

function holdsAny(held: Set<string>, terms: Set<string>): boolean {
  for (const t of terms) if (held.has(t)) return true;
  return false;
}

function readsValues(values: RankingOptions['values']): boolean {
  return values.words !== 1 || values.kind > 0;
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
