// Shared by the examples: start a Nest app on Fastify, optionally under a global prefix, and print where it listens.
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

export async function listen(root: DynamicModule, prefix?: string): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { logger: ['error'] });
  if (prefix) app.setGlobalPrefix(prefix);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  // For test/examples.e2e-spec.ts (its spawn helper waits for this line).
  process.stderr.write(`LISTENING ${port}\n`);
  return app;
}
