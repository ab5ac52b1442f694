// The official MCP conformance suite (@modelcontextprotocol/conformance, server scenarios) against the fixture
// directly (the reference) and through the gateway's /mcp/conformance with the fixture as a stdio backend.
// Through the gateway the suite takes about a minute: its client declares sampling and elicitation, so each scenario's
// session gets its own backend process (session_mode auto). `bash scripts/conformance.sh` does the same with the
// built gateway and prints a per-scenario table.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  conformanceBackend,
  failingScenarios,
  regressions,
  runServerSuite,
  startConformanceHttp,
  summaryLine,
  type RunningConformanceHttp,
  type SuiteRun,
} from './helpers/conformance.js';
import { closeAndReap, startTestGateway, type TestGateway } from './helpers/gateway.js';

jest.setTimeout(240_000);

/**
 * Active scenarios known to fail through the gateway, at times (a race), for a bug outside the transport, each with
 * its cause. Remove an entry once its cause is fixed.
 */

let fixture: RunningConformanceHttp;
let gateway: TestGateway;
const runs: Record<'direct' | 'gateway', Partial<Record<'active' | 'pending', SuiteRun>>> = { direct: {}, gateway: {} };

beforeAll(async () => {
  [fixture, gateway] = await Promise.all([
    startConformanceHttp(),
    startTestGateway(
      { server: { request_timeout: '30s' }, backends: { conformance: conformanceBackend() } },
      { ready: ['conformance'] },
    ),
  ]);
  const viaGateway = `${gateway.baseUrl}/mcp/conformance`;
  for (const suite of ['active', 'pending'] as const) {
    [runs.direct[suite], runs.gateway[suite]] = await Promise.all([
      runServerSuite(fixture.url, suite),
      runServerSuite(viaGateway, suite),
    ]);
  }
  const lines = (['active', 'pending'] as const).flatMap((suite) => [
    summaryLine('direct ', runs.direct[suite]!),
    summaryLine('gateway', runs.gateway[suite]!),
    ...failingScenarios(runs.direct[suite]!, runs.gateway[suite]!).map((line) => `  not passing: ${line}`),
  ]);
  console.log(`MCP conformance suite\n${lines.join('\n')}`);
});

afterAll(async () => {
  await fixture?.stop();
  const survivors = gateway ? await closeAndReap(gateway) : [];
  expect(survivors).toEqual([]);
});

describe('MCP conformance suite, server scenarios', () => {
  it('the fixture passes every active scenario directly (the reference)', () => {
    const direct = runs.direct.active!;
    expect(direct.scenarios.length).toBeGreaterThanOrEqual(30);
    expect(direct.scenarios.filter((result) => !result.ok)).toEqual([]);
  });

  it('every active scenario passes through the gateway (known failures listed with their cause)', () => {
    const direct = runs.direct.active!;
    const viaGateway = runs.gateway.active!;
    expect(viaGateway.scenarios.map((result) => result.scenario)).toEqual(
      direct.scenarios.map((result) => result.scenario),
    );
    expect(regressions(direct, viaGateway)).toEqual([]);
  });

  it('pending scenarios: each one passing directly passes through the gateway too', () => {
    expect(runs.direct.pending!.scenarios.length).toBeGreaterThan(0);
    expect(regressions(runs.direct.pending!, runs.gateway.pending!)).toEqual([]);
  });
});
