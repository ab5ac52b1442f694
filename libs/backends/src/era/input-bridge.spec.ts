import { describe, expect, it } from '@jest/globals';
import type { ClientCapabilities, Result } from '@modelcontextprotocol/sdk/types.js';
import type { DownstreamClient } from '../downstream-client.js';
import { bridgeInputRequired } from './input-bridge.js';
import type { InputRequiredResult } from './modern-protocol.js';

/** A legacy client that answers each server-to-client request with `answers[method]`, recording what it was asked. */
function fakeClient(capabilities: ClientCapabilities, answers: Record<string, Result>) {
  const asked: Array<{ method: string; params: unknown }> = [];
  const client: DownstreamClient = {
    sessionId: 's1',
    era: 'legacy',
    capabilities,
    request: (method, params) => {
      asked.push({ method, params });
      return Promise.resolve(answers[method]);
    },
    notify: () => Promise.resolve(),
    onClose: () => undefined,
  };
  return { client, asked };
}

const sampling = {
  method: 'sampling/createMessage',
  params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 },
};
const sampled = { role: 'assistant', model: 'm', content: { type: 'text', text: 'hello' } };

describe('bridgeInputRequired: a modern backend asks, a legacy client answers', () => {
  it('asks the client, retries with inputResponses and the requestState, and returns the final result', async () => {
    const { client, asked } = fakeClient({ sampling: {} }, { 'sampling/createMessage': sampled });
    const first: InputRequiredResult = {
      resultType: 'input_required',
      inputRequests: { reply: sampling },
      requestState: 'state-1',
    };
    const retries: unknown[] = [];
    const result = await bridgeInputRequired(
      first,
      { name: 'sample', arguments: { prompt: 'hi' } },
      {
        backend: 'b',
        downstream: client,
        maxRounds: 4,
        retry: (params) => {
          retries.push(params);
          return Promise.resolve({ content: [{ type: 'text', text: 'done' }] });
        },
      },
    );
    expect(result).toEqual({ content: [{ type: 'text', text: 'done' }] });
    expect(asked).toEqual([{ method: 'sampling/createMessage', params: sampling.params }]);
    expect(retries).toEqual([
      { name: 'sample', arguments: { prompt: 'hi' }, inputResponses: { reply: sampled }, requestState: 'state-1' },
    ]);
  });

  it('loops while the backend asks again, with only the latest state and answers', async () => {
    const roots = { roots: [{ uri: 'file:///a' }] };
    const { client } = fakeClient(
      { sampling: {}, roots: {} },
      { 'sampling/createMessage': sampled, 'roots/list': roots },
    );
    const rounds: InputRequiredResult[] = [
      { resultType: 'input_required', inputRequests: { where: { method: 'roots/list' } } },
      { content: [] } as unknown as InputRequiredResult,
    ];
    const retries: Array<Record<string, unknown> | undefined> = [];
    await bridgeInputRequired(
      { resultType: 'input_required', inputRequests: { reply: sampling }, requestState: 'one' },
      { name: 't' },
      {
        backend: 'b',
        downstream: client,
        maxRounds: 4,
        retry: (params) => {
          retries.push(params);
          return Promise.resolve(rounds.shift()!);
        },
      },
    );
    expect(retries[0]).toEqual({ name: 't', inputResponses: { reply: sampled }, requestState: 'one' });
    expect(retries[1]).toEqual({ name: 't', inputResponses: { where: roots } });
  });

  it('refuses clearly when the client lacks the capability, or there is no client, or rounds never end', async () => {
    const first: InputRequiredResult = { resultType: 'input_required', inputRequests: { reply: sampling } };
    const never = () => Promise.reject(new Error('must not retry'));
    const { client } = fakeClient({ elicitation: {} }, {});
    await expect(
      bridgeInputRequired(first, {}, { backend: 'b', downstream: client, maxRounds: 4, retry: never }),
    ).rejects.toThrow(
      'backend "b" needs sampling/createMessage answered by the client, but this client did not declare the sampling capability',
    );
    await expect(bridgeInputRequired(first, {}, { backend: 'b', maxRounds: 4, retry: never })).rejects.toThrow(
      'no client session to ask',
    );
    const { client: able } = fakeClient({ sampling: {} }, { 'sampling/createMessage': sampled });
    await expect(
      bridgeInputRequired(
        first,
        {},
        { backend: 'b', downstream: able, maxRounds: 2, retry: () => Promise.resolve(first) },
      ),
    ).rejects.toThrow('still asked for client input after 2 rounds');
  });
});
