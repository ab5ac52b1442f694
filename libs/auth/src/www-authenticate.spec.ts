import { describe, expect, it } from '@jest/globals';
import type { FastifyRequest } from 'fastify';
import type { OAuthConfig } from '@gateway/config';
import { AuthFailure } from './auth-errors.js';
import { challenge, mcpPathOf, prefixBefore } from './www-authenticate.js';

const oauth = { issuer: 'https://idp.example', audience: 'mcp-gateway', required_scopes: ['mcp'] } as OAuthConfig;
const request = (url: string) => ({ url, protocol: 'https', host: 'gw.example' }) as FastifyRequest;

describe('RFC 9728 resource metadata under a host global prefix', () => {
  it('splits the MCP path from a global prefix', () => {
    expect(mcpPathOf('/mcp')).toEqual({ prefix: '', path: '/mcp' });
    expect(mcpPathOf('/mcp/files?x=1')).toEqual({ prefix: '', path: '/mcp/files' });
    expect(mcpPathOf('/gw/mcp')).toEqual({ prefix: '/gw', path: '/mcp' });
    expect(mcpPathOf('/api/v1/mcp/files/')).toEqual({ prefix: '/api/v1', path: '/mcp/files' });
    // A backend named mcp is still a backend of the unprefixed /mcp.
    expect(mcpPathOf('/mcp/mcp')).toEqual({ prefix: '', path: '/mcp/mcp' });
    expect(mcpPathOf('/health/live')).toEqual({ prefix: '', path: '' });
  });

  it('points the challenge at the metadata route the gateway serves under the prefix', () => {
    const failure = new AuthFailure('missing', 'missing credentials');
    expect(challenge(request('/gw/mcp/files'), failure, oauth)).toContain(
      'resource_metadata="https://gw.example/gw/.well-known/oauth-protected-resource/mcp/files"',
    );
    expect(challenge(request('/mcp'), failure, oauth)).toContain(
      'resource_metadata="https://gw.example/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('finds the prefix before the metadata route', () => {
    expect(prefixBefore('/gw/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource')).toBe(
      '/gw',
    );
    expect(prefixBefore('/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource')).toBe('');
  });
});
