// A fixture OpenAI-compatible /v1/embeddings endpoint on 127.0.0.1 with a deterministic toy model: each word is hashed
// into one of 64 dimensions, and a few words are folded into shared concepts first, as a real model would place them
// near each other. It records what it was asked, and can be stopped to play an endpoint that is down.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const DIMENSIONS = 64;
// The toy model's "semantics": these words land on the same dimension.
const CONCEPTS: Record<string, string> = {
  remember: 'memory',
  memory: 'memory',
  knowledge: 'memory',
  graph: 'memory',
  entities: 'memory',
  observations: 'memory',
  prefers: 'memory',
};

export interface EmbeddingsRequest {
  authorization?: string;
  model: string;
  input: string[];
}

export interface RunningEmbeddings {
  url: string;
  requests: EmbeddingsRequest[];
  stop(): Promise<void>;
}

export function toyEmbedding(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const token = CONCEPTS[word] ?? word;
    let h = 2166136261;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 16777619);
    vector[(h >>> 0) % DIMENSIONS] += 1;
  }
  return vector;
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (data += chunk));
    request.on('end', () => resolve(data));
    request.on('error', reject);
  });
}

export async function startEmbeddings(): Promise<RunningEmbeddings> {
  const requests: EmbeddingsRequest[] = [];
  const server: Server = createServer((request, response) => {
    void body(request).then((text) => {
      if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
        response.writeHead(404).end();
        return;
      }
      const { model, input } = JSON.parse(text) as { model: string; input: string[] };
      requests.push({ authorization: request.headers.authorization, model, input });
      const data = input.map((t, index) => ({ object: 'embedding', index, embedding: toyEmbedding(t) }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', model, data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/embeddings`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
