// A small round-robin HTTP balancer for replica tests and benchmarks: each request goes to the next live replica,
// none sticky, so consecutive requests of one MCP session land on different replicas.
import { createServer, request as httpRequest, type Server } from 'node:http';

export interface Upstream {
  port: number;
  /** false: skipped (a replica the test killed). */
  alive: boolean;
  /** Requests the proxy sent here. */
  served: number;
}

/** What the proxy saw of the GET streams (the standalone SSE streams clients keep open). */
export interface GetStreams<T extends Upstream = Upstream> {
  /** The replica holding the open one, if any. */
  open?: T;
  /** Each GET's Last-Event-ID header (undefined for a fresh stream). */
  lastEventIds: (string | undefined)[];
  /** Every whole event the GET streams carried, in order, with the session it was for. */
  events: { sessionId: string; id: string; data: string }[];
  /** Each POST's body and the replica it went to, when given. */
  posts?: { replica: T; body: string }[];
  /** Each GET resuming a request's stream (Last-Event-ID of a POST's SSE stream): where it went, and its status. */
  resumes?: { replica: T; lastEventId: string; status: number }[];
}

/** Round robin over the live replicas; a replica that refuses the connection is skipped (as a balancer would). */
export function roundRobinProxy<T extends Upstream>(
  replicas: T[],
  gets: GetStreams<T> = { lastEventIds: [], events: [] },
): Server {
  let next = 0;
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries: number) => {
        const live = replicas.filter((r) => r.alive);
        const replica = live[next++ % live.length];
        const upstream = httpRequest(
          { host: '127.0.0.1', port: replica.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            replica.served++;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            if (req.method === 'POST') gets.posts?.push({ replica, body: body.toString() });
            // A GET stream's event ids end with its stream id, `_GET_stream`; others resume a POST's stream.
            const lastEventId = req.headers['last-event-id'] as string | undefined;
            const resume = req.method === 'GET' && lastEventId !== undefined && !lastEventId.endsWith('._GET_stream');
            if (resume) gets.resumes?.push({ replica, lastEventId, status: answer.statusCode ?? 502 });
            if (req.method === 'GET' && answer.statusCode === 200 && !resume) {
              gets.open = replica;
              gets.lastEventIds.push(req.headers['last-event-id'] as string | undefined);
              // Whole events only: one cut short by a kill never reached the client either.
              let pending = '';
              answer.on('data', (chunk: Buffer) => {
                const frames = (pending + chunk.toString()).split('\n\n');
                pending = frames.pop()!;
                for (const frame of frames) {
                  const id = /^id: (.+)$/m.exec(frame)?.[1];
                  const data = /^data: (\{.*)$/m.exec(frame)?.[1];
                  const sessionId = String(req.headers['mcp-session-id']);
                  if (id && data) gets.events.push({ sessionId, id, data });
                }
              });
              answer.on('close', () => {
                if (gets.open === replica) gets.open = undefined;
              });
            }
            // A replica killed mid-response: the client sees its connection cut, as behind a real balancer.
            answer.on('close', () => {
              if (!answer.complete) res.destroy();
            });
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (res.headersSent) res.destroy();
          else if (tries > 0) attempt(tries - 1);
          else res.writeHead(502).end();
        });
        res.on('close', () => upstream.destroy());
        upstream.end(body);
      };
      attempt(replicas.length);
    });
  });
}
