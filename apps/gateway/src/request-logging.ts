import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';

/** Health probes and metric scrapes get no access line. */
const UNLOGGED = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Every request runs in its own logging context, so each line logged while serving it carries the request (with its
 * id), and gets an access line when its response ends. What nestjs-pino's HTTP middleware does with pino-http, as
 * one Fastify hook ahead of every other: that middleware pair went through Nest's middleware layer and middie on
 * every request, about 7% of the gateway's CPU per proxied call. The root logger stays nestjs-pino's (pino-http's,
 * with the serializers and redaction of logging.options.ts), so the records keep their shape.
 *
 * `logger` is resolved once the application exists; no request arrives before it listens.
 */
export function installRequestLogging(fastify: FastifyInstance, logger: () => PinoLogger | undefined): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const pino = logger();
    if (!pino) return done();
    const req = request.raw as IncomingMessage & { id?: string };
    req.id = request.id;
    pino.runInContext(
      () => {
        if (!UNLOGGED.test(req.url ?? '')) logWhenDone(pino, reply.raw);
        done();
      },
      { bindings: { req } },
    );
  });
}

/** One line when the response ends (or the connection closes first), as pino-http writes it. */
function logWhenDone(pino: PinoLogger, res: ServerResponse): void {
  // The request's own logger (the context's), taken now: the callbacks below run outside the context.
  const log = pino.logger;
  const started = Date.now();
  const onDone = () => {
    res.off('finish', onDone);
    res.off('close', onDone);
    const responseTime = Date.now() - started;
    if (!res.writableFinished) {
      log.info({ res, responseTime }, 'request aborted');
    } else if (res.statusCode >= 500) {
      const err = new Error(`failed with status code ${res.statusCode}`);
      log.info({ res, err, responseTime }, 'request errored');
    } else {
      log.info({ res, responseTime }, 'request completed');
    }
  };
  res.on('finish', onDone);
  res.on('close', onDone);
}
