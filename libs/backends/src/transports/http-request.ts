import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  headers: OutgoingHttpHeaders;
  body?: string;
  agent: http.Agent;
}

/** Keep-alive agents for one backend: close() can end its sockets without touching anyone else's. */
export function keepAliveAgent(url: URL): http.Agent {
  return url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
}

/**
 * One HTTP request on node:http, resolving with the response as soon as its headers arrive. A failure to connect
 * or send looks like fetch's (TypeError "fetch failed" with the socket error as its cause), which is what the
 * failure classifier reads to tell a request that was never sent (safe to retry) from one that was.
 */
export function sendHttp(url: URL, request: HttpRequest, track?: Set<http.ClientRequest>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers =
      request.body === undefined
        ? request.headers
        : { ...request.headers, 'content-length': Buffer.byteLength(request.body) };
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: request.method, headers, agent: request.agent },
      (res) => {
        track?.delete(req);
        resolve(res);
      },
    );
    track?.add(req);
    req.once('error', (cause) => {
      track?.delete(req);
      reject(Object.assign(new TypeError('fetch failed'), { cause }));
    });
    req.end(request.body);
  });
}

/** The whole body as text. */
export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.once('end', () => resolve(text));
    res.once('error', reject);
  });
}
