/**
 * Converts the raw public sources kept in bench/datasets/<name>/raw into the LiveMCPBench fixture format
 * (servers.json, queries.json; see ../../../shared/datasets/livemcpbench/README.md). Deterministic: run it again and
 * the files come out the same. Run: node --import tsx bench/datasets/convert.ts
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const livemcpbench = path.resolve(here, '..', '..', '..', 'shared', 'datasets', 'livemcpbench');

interface Tool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}
interface Server {
  server: string;
  description: string;
  category: string;
  tools: Tool[];
}
interface Query {
  id: string;
  query: string;
  gold: string[];
  gold_known: string[];
  category: string;
  split: 'dev' | 'test';
}

const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The split is a pure function of the id: about half dev, half test, and stable across runs and machines. */
export function splitOf(id: string): 'dev' | 'test' {
  return parseInt(createHash('sha256').update(id).digest('hex').slice(0, 8), 16) % 2 === 0 ? 'dev' : 'test';
}

/** Strips the stray wrapping quotes and whitespace some source queries carry. */
const clean = (q: string) =>
  q
    .trim()
    .replace(/^"+|"+$/g, '')
    .trim();

function write(name: string, servers: Server[], queries: Query[]): void {
  const names = new Set(servers.flatMap((s) => s.tools.map((t) => t.name)));
  for (const q of queries) q.gold_known = q.gold.filter((g) => names.has(g));
  writeFileSync(path.join(here, name, 'servers.json'), `${JSON.stringify(servers, null, 1)}\n`);
  writeFileSync(path.join(here, name, 'queries.json'), `${JSON.stringify(queries, null, 1)}\n`);
  const dev = queries.filter((q) => q.split === 'dev').length;
  const tools = servers.reduce((n, s) => n + s.tools.length, 0);
  console.log(`${name}: ${servers.length} servers, ${tools} tools, ${queries.length} queries (${dev} dev)`);
}

/** MetaTool: each ChatGPT plugin is a server offering one tool of the same name; queries need one plugin or two. */
function metatool(): void {
  const raw = path.join(here, 'metatool', 'raw');
  const plugins = read<Record<string, string>>(path.join(raw, 'plugin_des.json'));
  const servers: Server[] = Object.entries(plugins).map(([name, description]) => ({
    server: name,
    description: '',
    category: 'plugin',
    tools: [{ name, description, inputSchema: { type: 'object', properties: {} } }],
  }));
  const groups = read<{ tool: string[]; queries: string[] }[]>(path.join(raw, 'multi_tool_query_golden.sample.json'));
  const queries: Query[] = groups.flatMap((g) =>
    g.queries.map((q, k) => {
      const id = `multi-${g.tool.join('+')}-${k}`;
      return { id, query: clean(q), gold: g.tool, gold_known: [], category: 'multi-tool', split: splitOf(id) };
    }),
  );
  const single = read<{ offset: number; rows: [string, string][] }>(path.join(raw, 'all_clean_data.sample.json'));
  single.rows.forEach(([q, tool], k) => {
    const id = `single-${single.offset}-${k}`;
    queries.push({ id, query: clean(q), gold: [tool], gold_known: [], category: 'single-tool', split: splitOf(id) });
  });
  write('metatool', servers, queries);
}

/** Apify MCP server evals: its 7 tools among LiveMCPBench's 70 servers as distractors. */
function apify(): void {
  const raw = path.join(here, 'apify-evals', 'raw');
  const tools = read<Tool[]>(path.join(raw, 'tools.json'));
  const cases = read<{ test_cases: { id: string; category: string; question: string; expected_tools: string[] }[] }>(
    path.join(raw, 'test_cases.json'),
  ).test_cases;
  const distractors = read<Server[]>(path.join(livemcpbench, 'servers.json'));
  const servers: Server[] = [{ server: 'apify', description: '', category: 'Apify', tools }, ...distractors];
  const queries: Query[] = cases.map((c) => ({
    id: c.id,
    query: clean(c.question),
    gold: c.expected_tools,
    gold_known: [],
    category: c.category,
    split: splitOf(c.id),
  }));
  write('apify-evals', servers, queries);
}

/**
 * Single-tool requests written for this project (see single-tool/README.md): LiveMCPBench's servers plus the four
 * reference servers the default config runs, one or two requests per tool.
 */
function singleTool(name: string, file: string): void {
  const raw = path.join(here, 'single-tool', 'raw');
  const extra = read<Server[]>(path.join(raw, 'reference-servers.json'));
  const servers: Server[] = [...read<Server[]>(path.join(livemcpbench, 'servers.json')), ...extra];
  const requests = read<{ server: string; tool: string; query: string }[]>(path.join(raw, file));
  const seen = new Map<string, number>();
  const queries: Query[] = requests.map((r) => {
    const key = `${r.server}/${r.tool}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const id = `${key}#${k}`;
    return { id, query: clean(r.query), gold: [r.tool], gold_known: [], category: r.server, split: splitOf(id) };
  });
  mkdirSync(path.join(here, name), { recursive: true });
  write(name, servers, queries);
}

/** Reads a Go string expression (raw `...` and interpreted "..." literals joined by +) starting at `from`. */
function goString(src: string, from: number): string {
  let out = '';
  let i = from;
  for (;;) {
    while (/\s/.test(src[i])) i++;
    if (src[i] === '`') {
      const end = src.indexOf('`', i + 1);
      out += src.slice(i + 1, end);
      i = end + 1;
    } else if (src[i] === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(src.slice(i));
      if (!m) throw new Error(`bad Go string at ${i}`);
      out += JSON.parse(m[0]) as string;
      i += m[0].length;
    } else throw new Error(`no Go string at ${i}`);
    let j = i;
    while (/\s/.test(src[j])) j++;
    if (src[j] !== '+') return out;
    i = j + 1;
  }
}

/** The `ToolSpec` entries (miro, mediawiki) of a Go tool registry: name, description and annotation flags. */
function toolSpecs(go: string, openWorld: boolean): Tool[] {
  const tools: Tool[] = [];
  for (const m of go.matchAll(/\n\t\{\n\t\tName:\s+"([^"]+)",([\s\S]*?)\n\t\},/g)) {
    const body = m[2];
    const field = (f: string) => new RegExp(`\\n\\t\\t${f}:\\s+"([^"]*)"`).exec(body)?.[1];
    const flag = (f: string) => new RegExp(`\\n\\t\\t${f}:\\s+true,`).test(body);
    const at = body.indexOf('Description:');
    tools.push({
      name: m[1],
      description: goString(body, at + 'Description:'.length),
      inputSchema: { type: 'object', properties: {} },
      annotations: {
        title: field('Title'),
        readOnlyHint: flag('ReadOnly'),
        destructiveHint: flag('Destructive'),
        idempotentHint: flag('Idempotent'),
        ...(openWorld ? { openWorldHint: flag('OpenWorld') } : {}),
      },
    });
  }
  return tools;
}

/**
 * The `mcp.Tool` literals of a Go file (productplan): name, description, and the input schema built from the
 * one-line `Property` entries (type, description, enum) and `Required`.
 */
function mcpTools(go: string): Tool[] {
  const tools: Tool[] = [];
  for (const m of go.matchAll(/\n\t\t\{\n\t\t\tName:\s+"([^"]+)",([\s\S]*?)\n\t\t\},/g)) {
    const body = m[2];
    const at = body.indexOf('Description:');
    const properties: Record<string, Record<string, unknown>> = {};
    for (const p of body.matchAll(
      /\n\t{5}"(\w+)":\s+\{Type: "(\w+)", Description: ("(?:[^"\\]|\\.)*")(?:, Enum: \[\]string\{([^}]*)\})?\},/g,
    )) {
      const enumValues = p[4]?.split(',').map((v) => JSON.parse(v.trim()) as string);
      properties[p[1]] = {
        type: p[2],
        description: JSON.parse(p[3]) as string,
        ...(enumValues ? { enum: enumValues } : {}),
      };
    }
    const required = /\n\t{4}Required: \[\]string\{([^}]*)\}/.exec(body)?.[1];
    tools.push({
      name: m[1],
      description: goString(body, at + 'Description:'.length),
      inputSchema: {
        type: 'object',
        properties,
        ...(required ? { required: required.split(',').map((v) => JSON.parse(v.trim()) as string) } : {}),
      },
    });
  }
  return tools;
}

/** One labelled request of an evals/ file: `prompt` or `input`, and `expected_tool` or `expected`. */
interface Case {
  id?: string;
  prompt?: string;
  input?: string;
  expected_tool?: string;
  expected?: string;
  category?: string;
}

/**
 * A set built from the tool-selection evals of one of olgasafonova's Go MCP servers: `evals/tool_selection.json`
 * (labelled requests) and `evals/confusion_pairs.json` (pairs of easily confused tools, with requests for each), the
 * server's tools first and LiveMCPBench's servers as distractors. A confusion-pair request that repeats an earlier
 * request word for word with the same label is dropped.
 */
function goEvals(name: string, server: string, serverCategory: string, tools: Tool[]): void {
  const raw = path.join(here, name, 'raw');
  const distractors = read<Server[]>(path.join(livemcpbench, 'servers.json'));
  const servers: Server[] = [{ server, description: '', category: serverCategory, tools }, ...distractors];
  const selection = read<{ tests: Case[] }>(path.join(raw, 'tool_selection.json')).tests;
  const pairs = read<{ pairs: { id?: string; tests: Case[] }[] }>(path.join(raw, 'confusion_pairs.json')).pairs;
  const queries: Query[] = [];
  const seen = new Set<string>();
  const add = (id: string, c: Case, category: string) => {
    const query = clean(c.prompt ?? c.input ?? '');
    const tool = c.expected_tool ?? c.expected ?? '';
    const key = `${query}\u0000${tool}`;
    if (seen.has(key)) return; // the same request with the same label, already taken from tool_selection.json
    seen.add(key);
    queries.push({ id, query, gold: [tool], gold_known: [], category, split: splitOf(id) });
  };
  for (const c of selection) add(c.id ?? '', c, c.category ?? '');
  pairs.forEach((p, i) => p.tests.forEach((c, j) => add(`${p.id ?? `pair-${i}`}-${j}`, c, 'confusion-pair')));
  mkdirSync(path.join(here, name), { recursive: true });
  write(name, servers, queries);
}

/** Miro MCP server evals: the ToolSpec entries of its tools/definitions.go among LiveMCPBench's servers. */
function miro(): void {
  const go = readFileSync(path.join(here, 'miro-evals', 'raw', 'definitions.go.txt'), 'utf8');
  goEvals('miro-evals', 'miro', 'Miro', toolSpecs(go, false));
}

/** MediaWiki MCP server evals (kept in the nordic-registry repository): the ToolSpec entries of tools/definitions.go. */
function mediawiki(): void {
  const go = readFileSync(path.join(here, 'mediawiki-evals', 'raw', 'definitions.go.txt'), 'utf8');
  goEvals('mediawiki-evals', 'mediawiki', 'MediaWiki', toolSpecs(go, true));
}

/** ProductPlan MCP server evals: the mcp.Tool literals of internal/tools/definitions.go. */
function productplan(): void {
  const go = readFileSync(path.join(here, 'productplan-evals', 'raw', 'definitions.go.txt'), 'utf8');
  goEvals('productplan-evals', 'productplan', 'ProductPlan', mcpTools(go));
}

/** Splits a Python parameter list at its top-level commas. */
function splitParams(params: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of params) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

/** The JSON-schema type of a Python annotation (str, int, bool, list[str], Literal[...], each maybe `| None`). */
function pythonType(annotation: string): Record<string, unknown> {
  const type = annotation.replace(/\s*\|\s*None$/, '').trim();
  const literal = /^Literal\[(.*)\]$/.exec(type);
  if (literal) return { type: 'string', enum: splitParams(literal[1]).map((v) => JSON.parse(v) as string) };
  if (type === 'list[str]') return { type: 'array', items: { type: 'string' } };
  const simple: Record<string, string> = { str: 'string', int: 'integer', bool: 'boolean' };
  if (!(type in simple)) throw new Error(`unknown Python type ${annotation}`);
  return { type: simple[type] };
}

/** A Python default value (string, number, bool or None) as JSON. */
function pythonValue(value: string): unknown {
  if (value === 'None') return null;
  if (value === 'True' || value === 'False') return value === 'True';
  if (/^-?[\d_]+$/.test(value)) return Number(value.replace(/_/g, ''));
  return JSON.parse(value) as unknown;
}

/**
 * ContextBridge (Vatsal212005/ContextBridge) evals: a Python MCP server whose tools are plain functions registered by
 * name with `mcp.tool()`, so each tool is the function name, its docstring and a schema read from its signature.
 */
function contextbridge(): void {
  const raw = path.join(here, 'contextbridge-evals', 'raw');
  const tools: Tool[] = [];
  for (const file of ['system', 'github', 'github_read', 'telemetry', 'evaluation', 'github_write']) {
    const py = readFileSync(path.join(raw, 'tools', `${file}.py.txt`), 'utf8');
    const defs =
      /@observed_tool\(risk_level="(\w+)"\)\nasync def (\w+)\(([\s\S]*?)\) -> [^\n]*:\n {4}"""([\s\S]*?)"""/g;
    for (const m of py.matchAll(defs)) {
      const properties: Record<string, Record<string, unknown>> = {};
      const required: string[] = [];
      for (const param of splitParams(m[3])) {
        const p = /^(\w+): ([^=]+?)(?: = (.+))?$/.exec(param);
        if (!p) throw new Error(`bad parameter ${param} in ${m[2]}`);
        properties[p[1]] = { ...pythonType(p[2]), ...(p[3] === undefined ? {} : { default: pythonValue(p[3]) }) };
        if (p[3] === undefined) required.push(p[1]);
      }
      tools.push({
        name: m[2],
        description: m[4].trim(),
        inputSchema: { type: 'object', properties, ...(required.length ? { required } : {}) },
        annotations: { readOnlyHint: m[1] === 'read', destructiveHint: m[1] === 'destructive' },
      });
    }
  }
  const distractors = read<Server[]>(path.join(livemcpbench, 'servers.json'));
  const servers: Server[] = [
    { server: 'contextbridge', description: '', category: 'ContextBridge', tools },
    ...distractors,
  ];
  const cases = read<{ id: string; prompt: string; expected_tool: string; risk: string }[]>(
    path.join(raw, 'tool_selection.json'),
  );
  const queries: Query[] = cases.map((c) => ({
    id: c.id,
    query: clean(c.prompt),
    gold: [c.expected_tool],
    gold_known: [],
    category: c.risk,
    split: splitOf(c.id),
  }));
  mkdirSync(path.join(here, 'contextbridge-evals'), { recursive: true });
  write('contextbridge-evals', servers, queries);
}

metatool();
apify();
miro();
mediawiki();
productplan();
contextbridge();
singleTool('single-tool', 'requests.json');
singleTool('single-tool-direct', 'requests-direct.json');
