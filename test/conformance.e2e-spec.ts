// The official MCP conformance suite (@modelcontextprotocol/conformance 0.2.0-alpha.12, server scenarios) in both
// protocol eras, 2025-11-25 and 2026-07-28 (each the revision's requirement set, at its own wire version), against
// the fixture directly (the reference, over Streamable HTTP) and through the gateway's /mcp/conformance with the
// fixture as a stdio backend. Through the gateway the 2025-11-25 run takes about a minute: its client declares
// sampling and elicitation, so each scenario's session gets its own backend process (session_mode auto).
// `bash scripts/conformance.sh` does the same with the built gateway and prints a per-scenario table.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  CLIENT_SCENARIOS,
  CONFORMANCE_GATEWAY_CONFIG,
  KNOWN_CLIENT_FAILURES,
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
  type SuiteRun,
} from './helpers/conformance.js';
import { ensureGatewayBuilt } from './helpers/built-gateway.js';
import { closeAndReap, startTestGateway, type TestGateway } from './helpers/gateway.js';

jest.setTimeout(480_000);

/** The fewest required server scenarios each revision's requirement set names (the suite may add more). */
const MIN_REQUIRED: Record<Revision, number> = { '2025-11-25': 30, '2026-07-28': 37 };

let fixture: RunningConformanceHttp;
let gateway: TestGateway;
const runs = new Map<Revision, { direct: SuiteRun; gateway: SuiteRun }>();

beforeAll(async () => {
  [fixture, gateway] = await Promise.all([
    startConformanceHttp(),
    startTestGateway(
      {
        ...CONFORMANCE_GATEWAY_CONFIG,
        server: { request_timeout: '30s' },
        backends: { conformance: conformanceBackend() },
      },
      { ready: ['conformance'] },
    ),
  ]);
  const viaGateway = `${gateway.baseUrl}/mcp/conformance`;
  for (const revision of REVISIONS) {
    const [direct, throughGateway] = await Promise.all([
      runServerSuite(fixture.url, revision),
      runServerSuite(viaGateway, revision),
    ]);
    runs.set(revision, { direct, gateway: throughGateway });
  }
  const lines = [...runs.values()].flatMap((run) => [
    summaryLine('direct ', run.direct),
    summaryLine('gateway', run.gateway),
    ...failingScenarios(run.direct, run.gateway).map((line) => `  not passing: ${line}`),
  ]);
  console.log(`MCP conformance suite\n${lines.join('\n')}`);
});

afterAll(async () => {
  await fixture?.stop();
  const survivors = gateway ? await closeAndReap(gateway) : [];
  expect(survivors).toEqual([]);
});

describe.each(REVISIONS)('MCP conformance suite, server scenarios, protocol %s', (revision) => {
  it('the fixture passes every required scenario directly (the reference)', () => {
    const { direct } = runs.get(revision)!;
    const required = direct.scenarios.filter((result) => result.required);
    expect(required.length).toBeGreaterThanOrEqual(MIN_REQUIRED[revision]);
    expect(required.filter((result) => !result.ok)).toEqual([]);
  });

  it('every required scenario passes through the gateway (known failures listed with their cause)', () => {
    const run = runs.get(revision)!;
    const required = (suite: SuiteRun): string[] =>
      suite.scenarios.filter((result) => result.required).map((result) => result.scenario);
    expect(required(run.gateway)).toEqual(required(run.direct));
    const lost = regressions(run.direct, run.gateway).filter((name) => required(run.direct).includes(name));
    expect(lost.sort()).toEqual(Object.keys(KNOWN_GATEWAY_FAILURES[revision]).sort());
  });

  it('each scenario run without scoring that passes directly passes through the gateway too', () => {
    const run = runs.get(revision)!;
    const notScored = run.direct.scenarios.filter((result) => !result.required).map((result) => result.scenario);
    expect(notScored.length).toBeGreaterThan(0);
    expect(regressions(run.direct, run.gateway).filter((name) => notScored.includes(name))).toEqual([]);
  });
});

describe("MCP conformance suite, client scenarios (the gateway's backend client against the suite's test servers)", () => {
  it('every listed client scenario passes but the known failures, and each known failure still fails', async () => {
    await ensureGatewayBuilt();
    const failing: string[] = [];
    const lines: string[] = [];
    for (const revision of REVISIONS) {
      for (const scenario of CLIENT_SCENARIOS[revision]) {
        const run = await runClientScenario(scenario, revision);
        lines.push(`${revision} ${scenario}: ${run.result}`);
        if (!run.ok) failing.push(`${revision} ${scenario}`);
      }
    }
    console.log(`MCP conformance suite, client scenarios\n${lines.join('\n')}`);
    expect(failing.sort()).toEqual(Object.keys(KNOWN_CLIENT_FAILURES).sort());
  });
});
