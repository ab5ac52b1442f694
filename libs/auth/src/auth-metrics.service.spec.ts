import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import { GatewayMetrics, MetricsModule } from '@gateway/metrics';
import { AUTH_METRIC_PROVIDERS, AuthMetrics } from './auth-metrics.service.js';

async function app() {
  const module = await Test.createTestingModule({
    imports: [MetricsModule],
    providers: [...AUTH_METRIC_PROVIDERS, AuthMetrics],
  }).compile();
  return { auth: module.get(AuthMetrics), registry: module.get(GatewayMetrics).registry };
}

describe('AuthMetrics (counters from @willsoto/nestjs-prometheus providers)', () => {
  it("counts on the application's own registry, never on prom-client's global one or another app's", async () => {
    const first = await app();
    const second = await app();
    first.auth.authFailure('missing');
    first.auth.denied([]);
    first.auth.denied(['reader', 'writer']);

    const text = await first.registry.metrics();
    expect(text).toContain('mcp_gateway_auth_failures_total{reason="missing"} 1');
    expect(text).toContain('mcp_gateway_access_denied_total{role="none"} 1');
    expect(text).toContain('mcp_gateway_access_denied_total{role="writer"} 1');
    expect(await second.registry.metrics()).not.toContain('reason="missing"');
    expect(register.getSingleMetric('mcp_gateway_auth_failures_total')).toBeUndefined();
  });
});
