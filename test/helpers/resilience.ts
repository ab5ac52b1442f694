// Shortcuts for the resilience and metrics e2e specs: gateway_invoke with timing, /health and /metrics reads.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayHealth } from '@gateway/health';
import type { RunningGateway } from './gateway-app.js';
import { firstText } from './gateway-config.js';
import { parsePrometheusText, type MetricFamily } from './prometheus-text.js';

export interface Invoked {
  text: string;
  isError: boolean;
  ms: number;
}

/** gateway_invoke {server, tool, arguments} on /mcp, returning the first text, isError and the time it took. */
export async function invoke(
  client: Client,
  server: string,
  tool: string,
  args: Record<string, unknown> = {},
): Promise<Invoked> {
  const started = performance.now();
  const result = (await client.callTool(
    { name: 'gateway_invoke', arguments: { server, tool, arguments: args } },
    undefined,
    { timeout: 60_000 },
  )) as CallToolResult;
  return { text: firstText(result), isError: result.isError === true, ms: performance.now() - started };
}

export async function health(gateway: RunningGateway): Promise<GatewayHealth> {
  return (await gateway.get('/health')).body as GatewayHealth;
}

export async function circuitOf(gateway: RunningGateway, backend: string): Promise<string> {
  return (await health(gateway)).backends[backend]?.circuit_state;
}

/** GET /metrics, checked for status and content type, parsed strictly. */
export async function scrape(gateway: RunningGateway): Promise<Map<string, MetricFamily>> {
  const response = await fetch(`${gateway.baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain; version=0.0.4')) throw new Error(`/metrics content-type ${type}`);
  return parsePrometheusText(await response.text());
}
