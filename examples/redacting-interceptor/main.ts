// (b) A call interceptor that redacts e-mail addresses and card numbers from tool results and refuses tools whose
// name matches /^delete_/; the refusal reaches the client as a tool error naming the reason.
import { Module } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallRefusedError, GatewayModule, type CallInterceptor } from '@mcp-gateway/gateway';
import { InProcessConnector } from '../custom-transport/in-process.connector.js';
import { listen } from '../listen.js';

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
const REFUSED = /^delete_/;

export const redactor: CallInterceptor = {
  async intercept(call, next) {
    const name = call.params?.name;
    const tool = call.method === 'tools/call' && typeof name === 'string' ? name : '';
    if (REFUSED.test(tool)) throw new CallRefusedError(`redactor: ${tool} is refused by policy (destructive tools)`);
    const result = await next();
    if (!tool || !Array.isArray(result.content)) return result;
    const content = (result.content as Array<{ type: string; text?: string }>).map((item) =>
      item.type === 'text' && item.text
        ? { ...item, text: item.text.replace(EMAIL, '[email redacted]').replace(CARD, '[card redacted]') }
        : item,
    );
    return { ...result, content };
  },
};

function crmServer(): McpServer {
  const server = new McpServer({ name: 'crm', version: '1.0.0' });
  server.registerTool('customer', { description: 'The customer record' }, () => ({
    content: [{ type: 'text', text: 'Ann Lee <ann.lee@example.com>, card 4111 1111 1111 1111' }],
  }));
  server.registerTool('delete_customer', { description: 'Deletes the customer' }, () => ({
    content: [{ type: 'text', text: 'deleted' }],
  }));
  return server;
}

@Module({
  imports: [
    GatewayModule.forRoot({
      config: {
        logging: { level: 'warn' },
        backends: { crm: { transport: 'in_process', options: { server: 'crm' } } },
      },
      connectors: [new InProcessConnector({ crm: crmServer })],
      interceptors: [redactor],
    }),
  ],
})
class RedactingModule {}

await listen({ module: RedactingModule });
