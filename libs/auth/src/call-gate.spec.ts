// CallGate, the seam around every backend request of a session: refuse before sending, filter lists, audit outcomes.
import { describe, expect, it } from '@jest/globals';
import { ErrorCode, McpError, type Result } from '@modelcontextprotocol/sdk/types.js';
import { AccessPolicy } from './access-policy.js';
import type { AuditEntry, AuditLog } from './audit-log.service.js';
import type { AuthMetrics } from './auth-metrics.service.js';
import { CallGate } from './call-gate.js';
import type { Principal } from './principal.js';

const principal: Principal = { id: 'bob', kind: 'api_key', roles: ['reader'], scopes: [] };
const access = new AccessPolicy({
  reader: { allow: ['fa/*'], deny: ['fa/write_*', 'fa/prompt:secret', 'fa/resource:file:///etc/*'] },
}).for(principal.roles);

function gate() {
  const records: AuditEntry[] = [];
  const denials: string[][] = [];
  const audit = { enabled: true, write: (entry: AuditEntry) => records.push(entry) } as unknown as AuditLog;
  const metrics = { denied: (roles: readonly string[]) => denials.push([...roles]) } as unknown as AuthMetrics;
  return { gate: new CallGate(principal, access, audit, metrics, 's-1', '/mcp/fa'), records, denials };
}

const named = (name: string, code?: number) => Object.assign(new Error(name), { name, ...(code ? { code } : {}) });

describe('CallGate', () => {
  it('refuses a denied tool, prompt, resource or completion without sending, counting the role', async () => {
    const { gate: g, records, denials } = gate();
    let sent = 0;
    const send = () => Promise.resolve((sent++, {}) as Result);
    const denied = [
      { method: 'tools/call', params: { name: 'write_file' } },
      { method: 'prompts/get', params: { name: 'secret' } },
      { method: 'resources/read', params: { uri: 'file:///etc/passwd' } },
      { method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'secret' } } },
      { method: 'tools/call', params: { name: 'echo' }, backend: 'fb' },
    ];
    for (const call of denied) {
      await expect(g.run({ backend: call.backend ?? 'fa', ...call }, send)).rejects.toMatchObject({
        code: ErrorCode.InvalidParams,
        message: expect.stringMatching(/ is not permitted for this client$/),
      });
    }
    expect(sent).toBe(0);
    expect(denials).toHaveLength(5);
    expect(records.map((record) => [record.method, record.outcome])).toEqual([
      ['tools/call', 'denied'],
      ['prompts/get', 'denied'],
      ['resources/read', 'denied'],
      ['completion/complete', 'denied'],
      ['tools/call', 'denied'],
    ]);
  });

  it('filters what lists show', async () => {
    const { gate: g } = gate();
    const tools = await g.run({ backend: 'fa', method: 'tools/list' }, () =>
      Promise.resolve({ tools: [{ name: 'echo' }, { name: 'write_file' }], nextCursor: 'c' }),
    );
    expect(tools).toEqual({ tools: [{ name: 'echo' }], nextCursor: 'c' });
    const resources = await g.run({ backend: 'fa', method: 'resources/list' }, () =>
      Promise.resolve({ resources: [{ uri: 'file:///etc/passwd' }, { uri: 'file:///srv/a' }] }),
    );
    expect(resources).toEqual({ resources: [{ uri: 'file:///srv/a' }] });
  });

  it('audits each outcome of a call', async () => {
    const { gate: g, records } = gate();
    const call = { backend: 'fa', method: 'tools/call', params: { name: 'echo', arguments: { x: 1 } }, requestId: 4 };
    await g.run(call, () => Promise.resolve({ content: [] }));
    await g.run(call, () => Promise.resolve({ content: [], isError: true }));
    for (const error of [
      new McpError(ErrorCode.InternalError, 'boom'),
      new McpError(ErrorCode.RequestTimeout, 'slow'),
      named('RequestTimeoutError'),
      named('BackendUnavailableError'),
      named('CircuitOpenError'),
      new McpError(ErrorCode.ConnectionClosed, 'gone'),
    ]) {
      await g.run(call, () => Promise.reject(error)).catch(() => undefined);
    }
    expect(records.map((record) => record.outcome)).toEqual([
      'ok',
      'error',
      'error',
      'timeout',
      'timeout',
      'unavailable',
      'unavailable',
      'unavailable',
    ]);
    expect(records[0]).toMatchObject({
      principal: 'bob',
      roles: ['reader'],
      session: 's-1',
      route: '/mcp/fa',
      backend: 'fa',
      method: 'tools/call',
      tool: 'echo',
      request_id: 4,
    });
  });

  it('does not audit lists', async () => {
    const { gate: g, records } = gate();
    await g.run({ backend: 'fa', method: 'tools/list' }, () => Promise.resolve({ tools: [] }));
    expect(records).toEqual([]);
  });
});
