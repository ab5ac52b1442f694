// The real gateway (startGateway: Nest + Fastify + every module) in-process on an ephemeral 127.0.0.1 port.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startGateway } from '../../apps/gateway/src/bootstrap.js';
import { writeGatewayConfig, type TempConfig } from './gateway-config.js';

export interface RunningGateway {
  app: NestFastifyApplication;
  temp: TempConfig;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** GET `path` (with `headers`, e.g. credentials), returning the status and the parsed JSON body (plus the raw text). */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }>;
  /** Closes the app (stopping every backend) and removes the temp config. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the gateway with `tree` as its YAML config, forced onto 127.0.0.1 (port 0 unless the tree names one: an
 * OAuth audience must name the port) with logging silenced unless the tree says otherwise. Signals stay with the test runner (handleSignals: false).
 */
export async function startTestGateway(tree: Record<string, unknown>): Promise<RunningGateway> {
  const server = (tree.server ?? {}) as Record<string, unknown>;
  const logging = (tree.logging ?? {}) as Record<string, unknown>;
  const temp = writeGatewayConfig({
    ...tree,
    server: { ...server, host: '127.0.0.1', port: server.port ?? 0 },
    logging: { level: 'silent', format: 'json', ...logging },
  });
  let app: NestFastifyApplication;
  try {
    app = await startGateway(temp.config, { handleSignals: false });
  } catch (error) {
    temp.cleanup();
    throw error;
  }
  const address = app.getHttpServer().address();
  if (!address || typeof address !== 'object') {
    await app.close().finally(() => temp.cleanup());
    throw new Error('gateway is not listening on a TCP port');
  }
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let closed: Promise<void> | undefined;
  return {
    app,
    temp,
    baseUrl,
    async get(path, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, { headers });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: response.status, body, text };
    },
    close() {
      closed ??= app.close().finally(() => temp.cleanup());
      return closed;
    },
  };
}
