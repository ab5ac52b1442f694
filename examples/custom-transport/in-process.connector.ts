// A backend transport of the host's own: an MCP server object living in the same process, joined to the gateway's
// client by the SDK's in-memory transport. A backend picks it with `transport: in_process`; its `options` are
// validated here and problems name their key path.
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { BackendConnector, ConnectRequest, Connection } from '@mcp-gateway/gateway';

export class InProcessConnector implements BackendConnector {
  readonly kinds = ['in_process'];

  /** `options.server` names one of `servers`; each connect builds a fresh server object. */
  constructor(private readonly servers: Record<string, () => McpServer>) {}

  validate(options: Record<string, unknown>, path: string): string[] {
    const known = Object.keys(this.servers);
    const problems = Object.keys(options)
      .filter((key) => key !== 'server')
      .map((key) => `${path}.${key}: unknown option (known: server)`);
    if (typeof options.server !== 'string' || !known.includes(options.server)) {
      problems.push(`${path}.server: must name one of: ${known.join(', ')}`);
    }
    return problems;
  }

  async connect(request: ConnectRequest): Promise<Connection> {
    const server = this.servers[String(request.config.options?.server)]();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = request.createClient();
    await client.connect(clientSide);
    return {
      client,
      transport: clientSide,
      kind: 'in_process',
      close: async () => {
        await client.close();
        await server.close();
      },
    };
  }
}
