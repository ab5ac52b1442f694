// server.trust_proxy: behind an ingress, the per-IP inbound rate limit keys on the client the ingress names in
// X-Forwarded-For, and only when the request comes from a trusted proxy.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';

jest.setTimeout(30_000);

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Statuses of GET /mcp (no session: the rate limit keys on the client address) for each forwarded address. */
async function statuses(forwardedFor: string[]): Promise<number[]> {
  const result: number[] = [];
  for (const address of forwardedFor) {
    const response = await fetch(`${gateway!.baseUrl}/mcp`, { headers: { 'x-forwarded-for': address } });
    await response.arrayBuffer();
    result.push(response.status);
  }
  return result;
}

const limited = (trust_proxy?: string[]) => ({
  server: {
    rate_limit: { enabled: true, requests_per_second: 0.1, burst: 2 },
    ...(trust_proxy ? { trust_proxy } : {}),
  },
});

describe('server.trust_proxy', () => {
  it('gives each forwarded client its own budget when the proxy is trusted', async () => {
    gateway = await startTestGateway(limited(['127.0.0.0/8']));
    const seen = await statuses(['10.1.1.1', '10.1.1.1', '10.1.1.1', '10.2.2.2']);
    expect(seen[2]).toBe(429);
    expect(seen[3]).not.toBe(429);
  });

  it('ignores X-Forwarded-For from an untrusted peer: one budget for the connection address', async () => {
    gateway = await startTestGateway(limited());
    const seen = await statuses(['10.1.1.1', '10.1.1.1', '10.2.2.2']);
    expect(seen[2]).toBe(429);
  });
});
