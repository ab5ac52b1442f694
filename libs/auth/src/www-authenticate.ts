import type { FastifyRequest } from 'fastify';
import type { OAuthConfig } from '@gateway/config';
import type { AuthFailure } from './auth-errors.js';

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/**
 * `/mcp` and `/mcp/{backend}` have metadata of their own (path-suffixed, RFC 9728 section 3.1), served under the
 * host's global prefix like every gateway route: `/gw/mcp/x` -> `/gw` + `/.well-known/oauth-protected-resource` +
 * `/mcp/x`.
 */
export function mcpPathOf(url: string): { prefix: string; path: string } {
  const path = url.split('?')[0];
  const match = /^((?:\/[^/]+)*?)\/mcp(\/[^/]+)?\/?$/.exec(path);
  return match ? { prefix: match[1], path: `/mcp${match[2] ?? ''}` } : { prefix: '', path: '' };
}

/** The global prefix before a protected-resource metadata route: `/gw/.well-known/oauth-protected-resource/mcp` -> `/gw`. */
export function prefixBefore(url: string, route: string): string {
  const path = url.split('?')[0];
  const at = path.indexOf(route);
  return at > 0 ? path.slice(0, at) : '';
}

export function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** The body of a refusal: RFC 6750's error code and a description. */
export function refusalBody(failure: AuthFailure): { error: string; error_description: string } {
  const code = failure.status === 503 ? 'temporarily_unavailable' : (failure.oauthError ?? 'unauthorized');
  return { error: code, error_description: failure.message };
}

/** The RFC 6750 / RFC 9728 challenge for a refused request. */
export function challenge(req: FastifyRequest, failure: AuthFailure, oauth: OAuthConfig | undefined): string {
  const params: string[] = [];
  if (oauth) {
    const { prefix, path } = mcpPathOf(req.url);
    params.push(`resource_metadata="${originOf(req)}${prefix}${PROTECTED_RESOURCE_PATH}${path}"`);
    if (oauth.required_scopes.length) params.push(`scope="${oauth.required_scopes.join(' ')}"`);
  } else {
    params.push('realm="mcp-gateway"');
  }
  const error = failure.oauthError;
  if (error) params.push(`error="${error}"`, `error_description="${failure.message.replace(/["\\]/g, '')}"`);
  return `Bearer ${params.join(', ')}`;
}
