/**
 * A client of an OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, text-embeddings-inference, vLLM):
 * `POST {model, input: [texts]}` -> `{data: [{index, embedding}]}`. Errors name the endpoint and what went wrong,
 * never the API key.
 */
export interface EmbeddingsEndpoint {
  url: string;
  model: string;
  api_key?: string;
}

export class EmbeddingsClient {
  constructor(private readonly endpoint: EmbeddingsEndpoint) {}

  /** One vector per text, in order; rejects after `timeoutMs` or on any malformed answer. */
  async embed(texts: string[], timeoutMs: number): Promise<Float32Array[]> {
    const { url, model, api_key } = this.endpoint;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(api_key ? { authorization: `Bearer ${api_key}` } : {}),
        },
        body: JSON.stringify({ model, input: texts }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describe(error);
      throw new Error(`embeddings endpoint ${url}: ${reason}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`embeddings endpoint ${url}: HTTP ${response.status}`);
    }
    const body = (await response.json()) as { data?: { index?: number; embedding?: unknown }[] };
    const data = Array.isArray(body?.data) ? body.data : [];
    const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
    data.forEach((item, i) => {
      const at = typeof item.index === 'number' ? item.index : i;
      if (Array.isArray(item.embedding) && at >= 0 && at < texts.length) {
        vectors[at] = Float32Array.from(item.embedding as number[]);
      }
    });
    for (let i = 0; i < texts.length; i++) {
      if (!vectors[i] || vectors[i].length === 0) {
        throw new Error(`embeddings endpoint ${url}: answer has no embedding for input ${i}`);
      }
    }
    return vectors;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
