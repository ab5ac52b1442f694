// Sections 2 and 3 on the LiveMCPBench catalog (70 servers, 527 tools) served as 70 real MCP backends:
// context tokens of /mcp in meta vs aggregated mode and per search; search quality and latency through MCP.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { catalogBackends, loadCatalog, startCatalogHttp, type RunningCatalog } from '../../test/helpers/catalog.js';
import { evaluate, loadQueries, type EvalResult, type Split } from '../../test/support/livemcpbench.js';
import type { ProcessTracker } from '../lib/process-tracker.js';
import { buildIndex, measureLatency } from '../search-eval.js';
import { RawMcpSession } from '../lib/raw-mcp.js';
import { startGateway, waitAllBackends, type RunningGateway } from '../lib/servers.js';
import { percentile, sortedCopy, spread, type Spread } from '../lib/stats.js';

export interface CatalogOptions {
  runs: number;
  tokens: boolean;
  search: boolean;
  /** Extra timed passes over every query for the latency figures (besides the quality pass). */
  latencyRounds: number;
  log: (line: string) => void;
}

export interface SurfaceTokens {
  tools: number;
  /** o200k_base tokens of the tools/list JSON-RPC response exactly as received. */
  listTokens: Spread;
  /** Of which the `tools` array alone. */
  toolsArrayTokens: Spread;
  /** The initialize result's instructions (sent once per session). */
  instructionsTokens: number;
}

export interface SearchCost {
  limit: number;
  /** Per query, tokens of the whole tools/call response; median/min/max over the 95 queries (deterministic). */
  responseTokens: { median: number; min: number; max: number };
  /** Tokens of the result's text content only (the same JSON is also sent as structuredContent). */
  textTokens: { median: number; min: number; max: number };
  /** Median over queries, checked identical in every run. */
  runs: number[];
}

export interface TokensResult {
  meta: SurfaceTokens;
  aggregated: SurfaceTokens;
  /** 1 - meta / aggregated, on the tools/list response. */
  savings: Spread;
  searchCost: SearchCost[];
}

export interface SearchResult {
  quality: Record<Split, EvalResult>;
  /** Identical in every run (the ranking is deterministic); checked. */
  identicalAcrossRuns: boolean;
  /** Client-side round trip of gateway_search_tools (limit 10) over Streamable HTTP, one call at a time. */
  latencyP50Ms: Spread;
  latencyP99Ms: Spread;
  callsPerRun: number;
  /** The ranking alone, in this process on the same catalog: every query 200 times, warm, one at a time. */
  inProcess: { p50Ms: number; p99Ms: number; searches: number };
}

export interface CatalogResult {
  backends: number;
  tools: number;
  tokens?: TokensResult;
  search?: SearchResult;
}

const ENCODING = 'o200k_base';
export const TOKENIZER = `gpt-tokenizer ${ENCODING}`;

/** A gateway over every catalog backend, ready with all 527 tools indexed. */
async function catalogGateway(
  tracker: ProcessTracker,
  catalog: RunningCatalog,
  metaMode: boolean,
): Promise<RunningGateway> {
  const backends = catalogBackends(catalog.baseUrl);
  const gateway = await startGateway(tracker, {
    label: `gateway-catalog-${metaMode ? 'meta' : 'aggregated'}`,
    metaMode,
    backends: Object.fromEntries(
      Object.entries(backends).map(([name, entry]) => [name, { ...entry, transport: 'streamable_http' }]),
    ),
  });
  await waitAllBackends(gateway, Object.keys(backends).length);
  return gateway;
}

async function surfaceTokens(url: string, runs: number, expectTools?: number): Promise<SurfaceTokens> {
  const list: number[] = [];
  const array: number[] = [];
  let tools = 0;
  let instructions = 0;
  for (let run = 0; run < runs; run++) {
    const session = await RawMcpSession.open(url);
    try {
      const answer = await session.request('tools/list', {});
      const result = answer.message.result as { tools: unknown[]; nextCursor?: string };
      if (result.nextCursor) throw new Error(`${url}: tools/list is paged; the benchmark expects one page`);
      tools = result.tools.length;
      if (expectTools !== undefined && tools !== expectTools) {
        throw new Error(`${url}: tools/list returned ${tools} tools, expected ${expectTools}`);
      }
      list.push(countTokens(answer.text));
      array.push(countTokens(JSON.stringify(result.tools)));
      const init = session.initialize?.message.result as { instructions?: string } | undefined;
      instructions = init?.instructions ? countTokens(init.instructions) : 0;
    } finally {
      await session.close();
    }
  }
  return { tools, listTokens: spread(list), toolsArrayTokens: spread(array), instructionsTokens: instructions };
}

interface SearchPass {
  /** query text -> tool names, best first (limit 10). */
  names: Map<string, string[]>;
  latencies: number[];
  cost: Map<number, { response: number[]; text: number[] }>;
}

/** Every dataset query through gateway_search_tools: limit 10 for quality (timed), limit 5 and 10 for cost. */
async function searchPass(session: RawMcpSession, withCost: boolean, extraRounds: number): Promise<SearchPass> {
  const queries = loadQueries();
  const pass: SearchPass = {
    names: new Map(),
    latencies: [],
    cost: new Map([5, 10].map((l) => [l, { response: [], text: [] }])),
  };
  for (const { query } of queries) {
    const answer = await session.callTool('gateway_search_tools', { query, limit: 10 });
    pass.latencies.push(answer.ms);
    const result = answer.message.result as {
      structuredContent: { matches: Array<{ tool: string }> };
      content: Array<{ text: string }>;
    };
    pass.names.set(
      query,
      result.structuredContent.matches.map((match) => match.tool),
    );
    if (!withCost) continue;
    for (const limit of [5, 10]) {
      const costed = limit === 10 ? answer : await session.callTool('gateway_search_tools', { query, limit });
      const text = (costed.message.result as { content: Array<{ text: string }> }).content[0].text;
      pass.cost.get(limit)!.response.push(countTokens(costed.text));
      pass.cost.get(limit)!.text.push(countTokens(text));
    }
  }
  for (let round = 0; round < extraRounds; round++) {
    for (const { query } of queries) {
      pass.latencies.push((await session.callTool('gateway_search_tools', { query, limit: 10 })).ms);
    }
  }
  return pass;
}

const summary = (values: number[]) => {
  const sorted = sortedCopy(values);
  return { median: percentile(sorted, 0.5), min: sorted[0], max: sorted[sorted.length - 1] };
};

export async function runCatalog(tracker: ProcessTracker, options: CatalogOptions): Promise<CatalogResult> {
  const { log } = options;
  log('catalog: starting the 70-server HTTP catalog fixture and a meta-mode gateway over it');
  const catalog = await startCatalogHttp();
  tracker.adopt(catalog.pid);
  try {
    const backends = Object.keys(catalogBackends(catalog.baseUrl)).length;
    const meta = await catalogGateway(tracker, catalog, true);
    let metaTokens: SurfaceTokens | undefined;
    const passes: SearchPass[] = [];
    try {
      if (options.tokens) metaTokens = await surfaceTokens(`${meta.url}/mcp`, options.runs, 4);
      for (let run = 0; run < options.runs; run++) {
        const session = await RawMcpSession.open(`${meta.url}/mcp`);
        try {
          passes.push(await searchPass(session, options.tokens, options.search ? options.latencyRounds : 0));
        } finally {
          await session.close();
        }
        log(`catalog: search pass ${run + 1}/${options.runs} done`);
      }
    } finally {
      await tracker.stop(meta.proc);
      meta.cleanup();
    }

    const tools = loadCatalog().reduce((sum, server) => sum + server.tools.length, 0);
    const result: CatalogResult = { backends, tools };
    if (options.tokens) {
      log('catalog: aggregated-mode gateway');
      const aggregatedGateway = await catalogGateway(tracker, catalog, false);
      let aggregated: SurfaceTokens;
      try {
        aggregated = await surfaceTokens(`${aggregatedGateway.url}/mcp`, options.runs, tools);
      } finally {
        await tracker.stop(aggregatedGateway.proc);
        aggregatedGateway.cleanup();
      }
      const searchCost = [5, 10].map((limit): SearchCost => {
        const perRun = passes.map((pass) => summary(pass.cost.get(limit)!.response).median);
        if (new Set(perRun).size !== 1)
          throw new Error(`search cost at limit ${limit} differs between runs: ${perRun.join(', ')}`);
        return {
          limit,
          responseTokens: summary(passes[0].cost.get(limit)!.response),
          textTokens: summary(passes[0].cost.get(limit)!.text),
          runs: perRun,
        };
      });
      result.tokens = {
        meta: metaTokens!,
        aggregated,
        savings: spread(metaTokens!.listTokens.runs.map((m, i) => 1 - m / aggregated.listTokens.runs[i])),
        searchCost,
      };
    }
    if (options.search) {
      const evaluations = passes.map((pass) => ({
        dev: evaluate((query) => pass.names.get(query) ?? [], 'dev'),
        test: evaluate((query) => pass.names.get(query) ?? [], 'test'),
      }));
      const identical = evaluations.every((e) => JSON.stringify(e) === JSON.stringify(evaluations[0]));
      if (!identical) throw new Error(`search quality differs between runs: ${JSON.stringify(evaluations)}`);
      const perRun = passes.map((pass) => sortedCopy(pass.latencies));
      const ranking = measureLatency(
        buildIndex(),
        loadQueries().map((q) => q.query),
      );
      result.search = {
        inProcess: { p50Ms: ranking.p50Ms, p99Ms: ranking.p99Ms, searches: ranking.queries * ranking.rounds },
        quality: evaluations[0],
        identicalAcrossRuns: identical,
        latencyP50Ms: spread(perRun.map((l) => percentile(l, 0.5))),
        latencyP99Ms: spread(perRun.map((l) => percentile(l, 0.99))),
        callsPerRun: perRun[0].length,
      };
    }
    return result;
  } finally {
    await catalog.stop();
  }
}
