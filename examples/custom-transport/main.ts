// (c) A custom transport: the backend `clock` is an McpServer object in this process, configured by
// `transport: in_process` and `options: { server: clock }`. Try `options: { server: nope }` to see the refusal.
import { Module } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { GatewayModule } from '@mcp-gateway/gateway';
import { listen } from '../listen.js';
import { InProcessConnector } from './in-process.connector.js';

function clockServer(): McpServer {
  const server = new McpServer({ name: 'clock', version: '1.0.0' });
  server.registerTool('epoch', { description: 'Seconds since 1970 (fixed, for the example)' }, () => ({
    content: [{ type: 'text', text: '1700000000' }],
  }));
  return server;
}

@Module({
  imports: [
    GatewayModule.forRoot({
      config: {
        logging: { level: 'warn' },
        backends: {
          clock: { transport: 'in_process', options: { server: process.env.CLOCK_SERVER ?? 'clock' } },
        },
      },
      connectors: [new InProcessConnector({ clock: clockServer })],
    }),
  ],
})
class CustomTransportModule {}

await listen({ module: CustomTransportModule });
