import { describe, expect, it } from '@jest/globals';
import { classify, withoutEnvelope } from './modern-envelope.js';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const HEADERS = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' };
const call = (meta: Record<string, unknown> = META) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', _meta: meta },
});

describe('classify (dual-era rule)', () => {
  it('serves initialize and envelope-less requests as legacy, an enveloped request as modern', () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    };
    expect(classify('POST', {}, initialize).kind).toBe('legacy');
    expect(classify('POST', {}, { jsonrpc: '2.0', id: 2, method: 'tools/list' }).kind).toBe('legacy');
    expect(classify('POST', HEADERS, call()).kind).toBe('modern-request');
  });

  it('refuses a header that disagrees with the body, or is missing, with -32020', () => {
    for (const headers of [
      { ...HEADERS, 'mcp-name': 'other' },
      { ...HEADERS, 'mcp-method': undefined },
      { ...HEADERS, 'mcp-protocol-version': undefined },
    ]) {
      expect(classify('POST', headers, call())).toMatchObject({ kind: 'reject', status: 400, code: -32020 });
    }
  });

  it('refuses an unknown version with -32022 listing both eras', () => {
    const outcome = classify(
      'POST',
      { ...HEADERS, 'mcp-protocol-version': '2030-01-01' },
      call({ ...META, 'io.modelcontextprotocol/protocolVersion': '2030-01-01' }),
    );
    expect(outcome).toMatchObject({ kind: 'reject', code: -32022 });
    expect((outcome as { data: { supported: string[] } }).data.supported).toEqual(
      expect.arrayContaining(['2026-07-28', '2025-11-25']),
    );
  });
});

describe('classify: a known envelope', () => {
  it('answers every request as the SDK did before the envelope was known', () => {
    let client = 0;
    // A client name of its own per case: the first classification of each case meets an envelope never seen.
    const variants: Array<(meta: Record<string, unknown>) => [Record<string, string | undefined>, unknown]> = [
      (meta) => [HEADERS, call(meta)],
      (meta) => [{ ...HEADERS, 'mcp-name': 'other' }, call(meta)],
      (meta) => [{ ...HEADERS, 'mcp-method': undefined }, call(meta)],
      (meta) => [{ ...HEADERS, 'mcp-method': 'tools/list' }, call(meta)],
      (meta) => [{ ...HEADERS, 'mcp-protocol-version': '2025-11-25' }, call(meta)],
      (meta) => [{ ...HEADERS, 'mcp-protocol-version': ' 2026-07-28\t' }, call(meta)],
      (meta) => [HEADERS, { ...call(meta), extra: true }],
      (meta) => [HEADERS, { ...call(meta), id: 1.5 }],
      (meta) => [HEADERS, { ...call(meta), jsonrpc: '1.0' }],
      (meta) => [HEADERS, call({ ...meta, progressToken: {} })],
      (meta) => [HEADERS, call({ ...meta, progressToken: 'p-1' })],
      (meta) => [HEADERS, call({ ...meta, 'io.modelcontextprotocol/related-task': { taskId: 7 } })],
      (meta) => [HEADERS, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { _meta: meta } }],
      (meta) => [HEADERS, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, _meta: meta } }],
    ];
    for (const variant of variants) {
      const meta = { ...META, 'io.modelcontextprotocol/clientInfo': { name: `client-${++client}`, version: '1' } };
      const [headers, body] = variant(meta);
      const unknown = classify('POST', headers, body);
      expect(classify('POST', HEADERS, call(meta)).kind).toBe('modern-request');
      expect(classify('POST', headers, body)).toEqual(unknown);
    }
  });

  it('never takes an envelope the SDK refused for a known one', () => {
    const refused = { ...META, 'io.modelcontextprotocol/clientCapabilities': 'all' };
    const first = classify('POST', HEADERS, call(refused));
    expect(first).toMatchObject({ kind: 'reject', status: 400 });
    expect(classify('POST', HEADERS, call(refused))).toEqual(first);
    const noCapabilities = { ...META, 'io.modelcontextprotocol/clientCapabilities': undefined };
    expect(classify('POST', HEADERS, call(noCapabilities))).toMatchObject({ kind: 'reject' });
  });
});

describe('withoutEnvelope', () => {
  it("keeps trace context, the progress token, the client's capabilities and log level; drops its version and info", () => {
    const params = {
      name: 'echo',
      _meta: {
        ...META,
        'io.modelcontextprotocol/logLevel': 'info',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=1',
        progressToken: 5,
      },
    };
    expect(withoutEnvelope(params)).toEqual({
      name: 'echo',
      _meta: {
        'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/logLevel': 'info',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=1',
        progressToken: 5,
      },
    });
    const { 'io.modelcontextprotocol/clientCapabilities': _caps, ...versionAndInfo } = META;
    expect(withoutEnvelope({ name: 'echo', _meta: versionAndInfo })).toEqual({ name: 'echo' });
  });
});
