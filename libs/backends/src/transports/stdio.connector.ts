import { delimiter, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { childEnvironment, gatewayPackage, type BackendConfig } from '@gateway/config';
import type { BackendConnector, ConnectRequest, Connection } from './backend-connector.js';
import { connectClient } from './connect-client.js';
import { ProcessSpawner } from './process-spawner.js';
import { ProcessGroupStdioTransport } from './stdio.transport.js';

@Injectable()
export class StdioConnector implements BackendConnector {
  readonly kinds = ['stdio'] as const;

  constructor(private readonly spawner: ProcessSpawner) {}

  async connect(request: ConnectRequest): Promise<Connection> {
    const { config } = request;
    const [command, ...args] = config.argv;
    const transport = new ProcessGroupStdioTransport({
      name: request.name,
      maxMessageBytes: config.max_message_size,
      spawner: this.spawner,
      onStderrLine: request.onStderrLine,
      request: { command, args, cwd: config.cwd, env: childEnv(config) },
    });
    const client = request.createClient({ protocol: request.protocol ?? config.protocol, transport: 'stdio' });
    try {
      await connectClient(client, transport, request.timeoutMs, request.signal);
    } catch (error) {
      throw withExitInfo(error, transport.exitInfo);
    }
    return {
      client,
      transport,
      kind: 'stdio',
      pid: transport.pid,
      activity: transport,
      close: () => client.close(),
    };
  }
}

/**
 * A minimal environment (see childEnvironment) with the backend's `env` over it. Like `npm run`, the gateway's own
 * node_modules/.bin is on PATH, so servers installed beside the gateway start by name.
 */
function childEnv(config: BackendConfig): NodeJS.ProcessEnv {
  const env = childEnvironment(config.inherit_env, {});
  const bin = join(gatewayPackage().root, 'node_modules', '.bin');
  env.PATH = [env.PATH, bin].filter(Boolean).join(delimiter);
  return { ...env, ...config.env };
}

function withExitInfo(error: unknown, exitInfo: string | undefined): Error {
  const base = error instanceof Error ? error : new Error(String(error));
  if (!exitInfo) return base;
  return new Error(`process ${exitInfo} during initialize (${base.message})`);
}
