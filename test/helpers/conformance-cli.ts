// `bash scripts/conformance.sh [--no-build]`: the official MCP conformance suite's server scenarios, in both protocol
// eras (2025-11-25 and 2026-07-28, each the revision's requirement set at its own wire version), against the fixture
// directly (the reference) and through the built gateway's /mcp/conformance, with the fixture as the stdio backend
// `conformance`; then the client scenarios that apply to the gateway's backend client. Prints the summary lines of
// both eras and sides; exits 1 when a server scenario that passes directly fails through the gateway (other than the
// known failures listed with their cause in conformance.ts), or a client scenario fails. Everything on 127.0.0.1; every process it starts is stopped by pid on the way out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { builtEntry, cleanEnv, spawnGateway, type GatewayProcess } from './built-gateway.js';
import {
  CLIENT_SCENARIOS,
  KNOWN_CLIENT_FAILURES,
  CONFORMANCE_GATEWAY_CONFIG,
  KNOWN_GATEWAY_FAILURES,
  REVISIONS,
  conformanceBackend,
  failingScenarios,
  regressions,
  runClientScenario,
  runServerSuite,
  startConformanceHttp,
  summaryLine,
  type Revision,
  type RunningConformanceHttp,
  type ScenarioResult,
  type SuiteRun,
} from './conformance.js';
import { repoRoot, stopProcess, waitFor } from './processes.js';

const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

let fixture: RunningConformanceHttp | undefined;
let gateway: GatewayProcess | undefined;
let configDir: string | undefined;

async function cleanup(): Promise<void> {
  const stops: Array<Promise<unknown>> = [];
  if (gateway) stops.push(stopProcess(gateway.child, 5000).catch(() => undefined));
  if (fixture) stops.push(fixture.stop().catch(() => undefined));
  await Promise.all(stops);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
}

function build(): void {
  process.stdout.write('conformance: npx nest build gateway\n');
  const started = Date.now();
  const result = spawnSync('npx', ['nest', 'build', 'gateway'], { cwd: repoRoot, stdio: 'inherit' });
  // tsc still emits when a file elsewhere does not compile; what matters is a fresh entry point.
  if (!existsSync(builtEntry) || statSync(builtEntry).mtimeMs < started - 1000) {
    throw new Error(`nest build gateway (exit code ${result.status}) did not write ${builtEntry}`);
  }
  if (result.status !== 0)
    process.stdout.write(`conformance: the build reported errors (exit code ${result.status})\n`);
}

/** Starts `node bin/mcp-gateway.js` on an ephemeral port; resolves with its /mcp/conformance URL once ready. */
async function startGateway(): Promise<string> {
  configDir = mkdtempSync(join(tmpdir(), 'conformance-gateway-'));
  const file = join(configDir, 'gateway.yaml');
  const tree = {
    ...CONFORMANCE_GATEWAY_CONFIG,
    server: { host: '127.0.0.1', port: 0, request_timeout: '30s' },
    logging: { level: 'info', format: 'json' },
    backends: { conformance: conformanceBackend() },
  };
  writeFileSync(file, stringify(tree));
  gateway = spawnGateway(['--config', file], { env: cleanEnv() });
  const running = gateway;
  const port = await waitFor(
    () => {
      if (running.child.exitCode !== null) throw new Error(`the gateway exited:\n${running.stderrLines.join('\n')}`);
      return running.stdoutLines.map((line) => LISTENING.exec(line)?.[1]).find(Boolean);
    },
    { timeoutMs: 30_000, intervalMs: 100, description: 'the gateway listening' },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const health = (await (await fetch(`${base}/health`)).json()) as { backends?: Record<string, { state: string }> };
      return health.backends?.conformance?.state === 'ready';
    },
    { timeoutMs: 30_000, intervalMs: 200, description: 'backend conformance ready' },
  );
  return `${base}/mcp/conformance`;
}

function table(title: string, direct: SuiteRun, viaGateway: SuiteRun): string {
  const cell = (run: SuiteRun, name: string): string => {
    const result = run.scenarios.find((scenario) => scenario.scenario === name);
    return result ? `${result.ok ? '✓' : '✗'} ${result.passed} passed, ${result.failed} failed` : '- not run';
  };
  const label = (result: ScenarioResult): string =>
    result.required ? result.scenario : `${result.scenario} (not scored: ${result.reason})`;
  const width = Math.max(title.length, ...direct.scenarios.map((result) => label(result).length)) + 2;
  const row = (name: string, left: string, right: string): string =>
    `  ${name.padEnd(width)}${left.padEnd(26)}${right}`;
  return [
    row(title, 'direct', 'gateway'),
    ...direct.scenarios.map((result) =>
      row(label(result), cell(direct, result.scenario), cell(viaGateway, result.scenario)),
    ),
  ].join('\n');
}

async function main(): Promise<number> {
  if (!process.argv.includes('--no-build')) build();
  fixture = await startConformanceHttp();
  const gatewayUrl = await startGateway();
  process.stdout.write(`conformance: direct  ${fixture.url} (fixture over Streamable HTTP)\n`);
  process.stdout.write(`conformance: gateway ${gatewayUrl} (built gateway, fixture as stdio backend)\n`);

  const runs = new Map<Revision, [SuiteRun, SuiteRun]>();
  for (const revision of REVISIONS) {
    runs.set(revision, [await runServerSuite(fixture.url, revision), await runServerSuite(gatewayUrl, revision)]);
  }
  for (const [revision, [direct, viaGateway]] of runs) {
    process.stdout.write(`\n${table(`${revision} scenarios`, direct, viaGateway)}\n`);
  }
  process.stdout.write('\n');
  for (const [direct, viaGateway] of runs.values()) {
    process.stdout.write(`${summaryLine('direct ', direct)}\n${summaryLine('gateway', viaGateway)}\n`);
  }
  const failing = [...runs.values()].flatMap(([direct, viaGateway]) => failingScenarios(direct, viaGateway));
  if (failing.length) process.stdout.write(`\nnot passing:\n${failing.map((line) => `  ${line}`).join('\n')}\n`);

  // The processes the server scenarios used are no longer needed: each client scenario starts its own gateway.
  await cleanup();
  fixture = gateway = configDir = undefined;
  process.stdout.write(`\nclient scenarios (the gateway's backend client against the suite's test server):\n`);
  const clientFailures: string[] = [];
  for (const revision of REVISIONS) {
    for (const scenario of CLIENT_SCENARIOS[revision]) {
      const run = await runClientScenario(scenario, revision);
      const name = `${revision} ${scenario}`;
      const known = KNOWN_CLIENT_FAILURES[name];
      process.stdout.write(
        `  ${name.padEnd(46)}${run.ok ? '✓' : '✗'} ${run.result}${known && !run.ok ? ' (known)' : ''}\n`,
      );
      if (!run.ok && !known) clientFailures.push(name);
      if (run.ok && known) clientFailures.push(`${name} (listed as a known failure but passes: remove it)`);
    }
  }
  const knownClient = Object.entries(KNOWN_CLIENT_FAILURES).map(([name, cause]) => `${name}: ${cause}`);
  if (knownClient.length) {
    process.stdout.write(`\nknown client scenario failures:\n  ${knownClient.join('\n  ')}\n`);
  }

  const known = [...runs].flatMap(([revision, [direct, viaGateway]]) =>
    regressions(direct, viaGateway)
      .filter((scenario) => KNOWN_GATEWAY_FAILURES[revision][scenario])
      .map((scenario) => `${revision} ${scenario}: ${KNOWN_GATEWAY_FAILURES[revision][scenario]}`),
  );
  if (known.length) process.stdout.write(`\nknown failures through the gateway:\n  ${known.join('\n  ')}\n`);
  const lost = [...runs].flatMap(([revision, [direct, viaGateway]]) =>
    regressions(direct, viaGateway)
      .filter((scenario) => !KNOWN_GATEWAY_FAILURES[revision][scenario])
      .map((scenario) => `${revision} ${scenario}`),
  );
  if (lost.length) {
    process.stdout.write(`\nFAIL: scenarios passing directly but failing through the gateway: ${lost.join(', ')}\n`);
  }
  if (clientFailures.length) process.stdout.write(`\nFAIL: client scenarios: ${clientFailures.join(', ')}\n`);
  return lost.length || clientFailures.length ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanup();
    process.exit(2);
  });
