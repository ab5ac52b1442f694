import { Controller, Get, NotFoundException, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Authenticator } from './authenticator.service.js';
import { Public } from './public.decorator.js';
import { originOf, prefixBefore, PROTECTED_RESOURCE_PATH } from './www-authenticate.js';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name: string;
}

/**
 * RFC 9728 protected-resource metadata, for /mcp and every /mcp/{backend} alike: the gateway is one resource
 * server, so every form names the configured audience as the resource a token must be requested for. 404 without
 * `auth.oauth`. Under a host's global prefix (`/gw`) the routes and the resource they name carry it too.
 */
@Public()
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(private readonly authenticator: Authenticator) {}

  @Get()
  root(@Req() req: FastifyRequest): ProtectedResourceMetadata {
    return this.metadata(req, '');
  }

  @Get('mcp')
  gateway(@Req() req: FastifyRequest): ProtectedResourceMetadata {
    return this.metadata(req, '/mcp');
  }

  @Get('mcp/:backend')
  backend(@Req() req: FastifyRequest, @Param('backend') backend: string): ProtectedResourceMetadata {
    return this.metadata(req, `/mcp/${backend}`);
  }

  private metadata(req: FastifyRequest, path: string): ProtectedResourceMetadata {
    const oauth = this.authenticator.oauth;
    if (!oauth) throw new NotFoundException('OAuth is not configured (auth.oauth)');
    const audienceIsUrl = /^https?:\/\//.test(oauth.audience);
    const prefix = prefixBefore(req.url, PROTECTED_RESOURCE_PATH);
    return {
      resource: audienceIsUrl ? oauth.audience : `${originOf(req)}${prefix}${path || '/mcp'}`,
      authorization_servers: [oauth.issuer],
      scopes_supported: oauth.required_scopes,
      bearer_methods_supported: ['header'],
      resource_name: 'mcp-gateway',
    };
  }
}
