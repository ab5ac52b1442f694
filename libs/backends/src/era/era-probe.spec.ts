import { describe, expect, it } from '@jest/globals';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { probeOutcomeOf, probeVerdict } from './era-probe.js';

describe('probeVerdict: the specification client rules for server/discover', () => {
  it('a discover result offering 2026-07-28 is modern; one offering only older revisions is legacy', () => {
    expect(probeVerdict({ kind: 'result', supportedVersions: ['2026-07-28'] }, 'stdio')).toBe('modern');
    expect(probeVerdict({ kind: 'result', supportedVersions: ['2025-11-25', '2026-07-28'] }, 'http')).toBe('modern');
    expect(probeVerdict({ kind: 'result', supportedVersions: ['2025-11-25'] }, 'http')).toBe('legacy');
  });

  it('on stdio any error without modern evidence, or silence, falls back to initialize', () => {
    expect(probeVerdict({ kind: 'error', code: ErrorCode.MethodNotFound }, 'stdio')).toBe('legacy');
    expect(probeVerdict({ kind: 'error', code: ErrorCode.InvalidRequest }, 'stdio')).toBe('legacy');
    expect(probeVerdict({ kind: 'error', code: -32022, data: { supported: ['2025-06-18'] } }, 'stdio')).toBe('legacy');
    expect(probeVerdict({ kind: 'timeout' }, 'stdio')).toBe('legacy');
  });

  it('-32022 naming 2026-07-28 is modern evidence', () => {
    const data = { supported: ['2026-07-28'], requested: '2026-07-28' };
    expect(probeVerdict({ kind: 'error', code: -32022, data }, 'http')).toBe('modern');
  });

  it("on HTTP a refusal without a JSON-RPC answer (a legacy server's 400, 404, 405) is legacy", () => {
    for (const status of [400, 404, 405]) expect(probeVerdict({ kind: 'http', status }, 'http')).toBe('legacy');
  });

  it('silence or a cut connection on HTTP says nothing (an outage); a stdio process that exits is restarted legacy', () => {
    expect(probeVerdict({ kind: 'timeout' }, 'http')).toBe('unavailable');
    expect(probeVerdict({ kind: 'closed' }, 'http')).toBe('unavailable');
    expect(probeVerdict({ kind: 'closed' }, 'stdio')).toBe('respawn');
  });
});

describe('probeOutcomeOf', () => {
  it('reads SDK errors as outcomes and leaves network failures alone', () => {
    expect(probeOutcomeOf(new McpError(ErrorCode.RequestTimeout, 'slow'))).toEqual({ kind: 'timeout' });
    expect(probeOutcomeOf(new McpError(ErrorCode.ConnectionClosed, 'gone'))).toEqual({ kind: 'closed' });
    expect(probeOutcomeOf(new McpError(-32022, 'no', { supported: ['2026-07-28'] }))).toEqual({
      kind: 'error',
      code: -32022,
      data: { supported: ['2026-07-28'] },
    });
    expect(probeOutcomeOf(new StreamableHTTPError(404, 'not found'))).toEqual({ kind: 'http', status: 404 });
    expect(probeOutcomeOf(Object.assign(new TypeError('fetch failed'), { cause: new Error('ECONNREFUSED') }))).toBe(
      undefined,
    );
  });
});
