import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// LiveMCPBench lives beside the repository (../shared), so tests and the bench read the same copy; the other
// tool-retrieval sets are converted into the same format under bench/datasets (see bench/datasets/convert.ts).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const datasetDir = path.resolve(repoRoot, '..', 'shared', 'datasets', 'livemcpbench');

/** Every tool-retrieval set in the LiveMCPBench format, by name. */
export const DATASETS = {
  livemcpbench: datasetDir,
  metatool: path.join(repoRoot, 'bench', 'datasets', 'metatool'),
  'apify-evals': path.join(repoRoot, 'bench', 'datasets', 'apify-evals'),
  'single-tool': path.join(repoRoot, 'bench', 'datasets', 'single-tool'),
  'single-tool-direct': path.join(repoRoot, 'bench', 'datasets', 'single-tool-direct'),
  'miro-evals': path.join(repoRoot, 'bench', 'datasets', 'miro-evals'),
  'mediawiki-evals': path.join(repoRoot, 'bench', 'datasets', 'mediawiki-evals'),
  'productplan-evals': path.join(repoRoot, 'bench', 'datasets', 'productplan-evals'),
  'contextbridge-evals': path.join(repoRoot, 'bench', 'datasets', 'contextbridge-evals'),
} as const;
export type DatasetName = keyof typeof DATASETS;

export interface BenchTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface BenchServer {
  server: string;
  description: string;
  category: string;
  tools: BenchTool[];
}

export type Split = 'dev' | 'test';

export interface BenchQuery {
  id: string;
  query: string;
  gold: string[];
  gold_known: string[];
  category: string;
  split: Split;
}

export interface EvalResult {
  recall1: number;
  recall5: number;
  recall10: number;
  ndcg5: number;
  ndcg10: number;
  n: number;
}

/** A search under evaluation: a query in, tool names out (best first; names may repeat across servers). */
export type SearchFn = (query: string) => string[];

function readJson<T>(dataset: DatasetName, file: string): T {
  return JSON.parse(readShared(path.join(DATASETS[dataset], file))) as T;
}

export function loadServers(dataset: DatasetName = 'livemcpbench'): BenchServer[] {
  return readJson<BenchServer[]>(dataset, 'servers.json');
}

export function loadQueries(split?: Split, dataset: DatasetName = 'livemcpbench'): BenchQuery[] {
  const all = readJson<BenchQuery[]>(dataset, 'queries.json');
  return split ? all.filter((q) => q.split === split) : all;
}

/** Share of gold names found in the first k returned names (README: tool-name level, no server). */
export function recallAt(k: number, returnedNames: string[], gold: string[]): number {
  const wanted = new Set(gold);
  if (wanted.size === 0) return 0;
  const top = new Set(returnedNames.slice(0, k));
  let found = 0;
  for (const name of wanted) if (top.has(name)) found++;
  return found / wanted.size;
}

/** nDCG@k with binary gain; a gold name repeated from another server earns nothing the second time. */
export function ndcgAt(k: number, returnedNames: string[], gold: string[]): number {
  const wanted = new Set(gold);
  if (wanted.size === 0) return 0;
  const seen = new Set<string>();
  let dcg = 0;
  returnedNames.slice(0, k).forEach((name, i) => {
    if (wanted.has(name) && !seen.has(name)) {
      seen.add(name);
      dcg += 1 / Math.log2(i + 2);
    }
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, wanted.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Averages over the split's queries, as percentages, scored against `gold` (unknown labels count as misses). */
export function evaluate(searchFn: SearchFn, split: Split, dataset: DatasetName = 'livemcpbench'): EvalResult {
  const queries = loadQueries(split, dataset);
  const sum = { recall1: 0, recall5: 0, recall10: 0, ndcg5: 0, ndcg10: 0 };
  for (const q of queries) {
    const names = searchFn(q.query);
    sum.recall1 += recallAt(1, names, q.gold);
    sum.recall5 += recallAt(5, names, q.gold);
    sum.recall10 += recallAt(10, names, q.gold);
    sum.ndcg5 += ndcgAt(5, names, q.gold);
    sum.ndcg10 += ndcgAt(10, names, q.gold);
  }
  const pct = (v: number) => (queries.length === 0 ? 0 : Math.round((1000 * v) / queries.length) / 10);
  return {
    recall1: pct(sum.recall1),
    recall5: pct(sum.recall5),
    recall10: pct(sum.recall10),
    ndcg5: pct(sum.ndcg5),
    ndcg10: pct(sum.ndcg10),
    n: queries.length,
  };
}

/**
 * A file of ../shared (the datasets beside the repository, not part of it). Missing: an error saying what to put
 * there, instead of a bare ENOENT from deep inside a suite.
 */
export function readShared(file: string): string {
  if (!existsSync(file)) {
    throw new Error(
      `test data missing: ${file}. These tests read the shared datasets from ../shared beside the repository ` +
        '(shared/datasets/<name>/...); put a copy or a link there, or skip the suites that need it.',
    );
  }
  return readFileSync(file, 'utf8');
}
