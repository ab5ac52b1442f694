/**
 * Tool-search quality and latency on the LiveMCPBench fixture (see ../shared/datasets/livemcpbench/README.md).
 * Run: node --import tsx bench/search-eval.ts   — prints tables and writes bench/results/search.json.
 * Tune on dev only: `-- --dev` leaves test out entirely and writes nothing; test is the held-out figure.
 * Importing this file runs nothing: evaluateSplit() and friends are for other benchmarks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import {
  DEFAULT_RANKING,
  ToolSearchIndex,
  type RankingOptions,
} from '../libs/meta-mcp/src/search/tool-search.index.js';
import {
  evaluate,
  loadQueries,
  loadServers,
  type BenchServer,
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
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const start = process.hrtime.bigint();
      index.search(q);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return {
    tools: index.size,
    queries: queries.length,
    rounds,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
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
  'no server-idf weighting': { serverIdfPower: 0 },
  'no producer lift': { chainLift: 0 },
  'no synonyms': { synonymWeight: 0 },
  'no Chinese glossary': { glossary: false },
  'keep filler words': { dropFiller: false },
  'no summary field': { boosts: { ...DEFAULT_RANKING.boosts, summary: 0 } },
  'no server field': { boosts: { ...DEFAULT_RANKING.boosts, server: 0 } },
};

const header = `${'config'.padEnd(30)} ${['R@1', 'R@5', 'R@10', 'nDCG@5', 'nDCG@10'].map((h) => h.padStart(6)).join(' ')}`;
const row = (name: string, r: EvalResult) =>
  `${name.padEnd(30)} ${[r.recall1, r.recall5, r.recall10, r.ndcg5, r.ndcg10].map((v) => v.toFixed(1).padStart(6)).join(' ')}`;

function main(argv: string[]): void {
  const splits: Split[] = argv.includes('--dev') ? ['dev'] : ['dev', 'test'];
  const final = buildIndex();
  const reference = referenceSearch();
  const quality: Record<string, Partial<Record<Split, EvalResult>>> = { reference: {}, final: {} };
  for (const split of splits) {
    quality.reference[split] = evaluate(reference, split);
    quality.final[split] = evaluate(searchWith(final), split);
  }
  const ablations = Object.fromEntries(
    Object.entries(ABLATIONS).map(([name, o]) => [name, evaluate(searchWith(buildIndex(o)), 'dev')]),
  );
  // Latency over every query of both splits: timing reveals nothing about labels.
  const latency = measureLatency(
    final,
    loadQueries().map((q) => q.query),
  );

  console.log(`LiveMCPBench tool retrieval (${final.size} tools; splits: ${splits.join(', ')})`);
  console.log(header);
  for (const split of splits) {
    console.log(row(`reference BM25 / ${split}`, quality.reference[split]!));
    console.log(row(`final / ${split}`, quality.final[split]!));
  }
  console.log(`\nablations (dev)\n${header}`);
  for (const [name, r] of Object.entries(ablations)) console.log(row(name, r));
  console.log(
    `\nlatency over ${latency.queries} queries x ${latency.rounds} rounds: p50 ${latency.p50Ms.toFixed(3)} ms, ` +
      `p99 ${latency.p99Ms.toFixed(3)} ms, mean ${latency.meanMs.toFixed(3)} ms`,
  );

  // Tuning runs (--dev) leave the recorded figures alone.
  if (splits.length === 1) return;
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'search.json'),
    `${JSON.stringify({ ranking: DEFAULT_RANKING, quality, ablations, latency }, null, 2)}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
