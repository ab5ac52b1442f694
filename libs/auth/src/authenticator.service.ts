import { Injectable } from '@nestjs/common';
import { GatewayConfig, type AuthConfig } from '@gateway/config';
import { ApiKeyVerifier } from './api-key.verifier.js';
import { AuthFailure } from './auth-errors.js';
import { JwtVerifier } from './jwt.verifier.js';
import { ANONYMOUS_ID, type Principal } from './principal.js';

/** Longer Authorization headers are refused unread. */
const MAX_AUTHORIZATION_BYTES = 8 * 1024;
const BEARER = /^Bearer +(\S+) *$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * Turns a request's Authorization header into a Principal: an API key first, else (when `auth.oauth` is set and the
 * credential is JWT-shaped) a verified access token. Throws AuthFailure otherwise.
 */
@Injectable()
export class Authenticator {
  readonly config?: AuthConfig;
  private readonly apiKeys?: ApiKeyVerifier;
  private readonly jwt?: JwtVerifier;
  private readonly anonymous?: Principal;

  constructor(gateway: GatewayConfig) {
    const auth = gateway.auth;
    this.config = auth;
    if (!auth) return;
    if (auth.api_keys.length) this.apiKeys = new ApiKeyVerifier(auth.api_keys, auth.default_roles);
    if (auth.oauth) this.jwt = new JwtVerifier(auth.oauth, auth.default_roles);
    if (auth.allow_anonymous)
      this.anonymous = { id: ANONYMOUS_ID, kind: 'anonymous', roles: auth.default_roles, scopes: [] };
  }

  /** Authentication is on when the config has an `auth` section. */
  get enabled(): boolean {
    return this.config !== undefined;
  }

  get oauth() {
    return this.config?.oauth;
  }

  /**
   * The checks that need no key and no token verification: the credential, or undefined for an anonymous request.
   * Throws AuthFailure for a missing (unless anonymous access is allowed), oversized or malformed header.
   */
  credentialOf(authorization: string | string[] | undefined): string | undefined {
    if (authorization === undefined || authorization === '') {
      if (this.anonymous) return undefined;
      throw new AuthFailure('missing', 'send Authorization: Bearer <token or API key>');
    }
    if (Array.isArray(authorization)) throw new AuthFailure('malformed', 'send one Authorization header');
    if (authorization.length > MAX_AUTHORIZATION_BYTES) {
      throw new AuthFailure('oversized', `the Authorization header is longer than ${MAX_AUTHORIZATION_BYTES} bytes`);
    }
    const credential = BEARER.exec(authorization)?.[1];
    if (!credential) throw new AuthFailure('malformed', 'the Authorization header must be "Bearer <credential>"');
    return credential;
  }

  async authenticate(authorization: string | string[] | undefined): Promise<Principal> {
    const credential = this.credentialOf(authorization);
    if (credential === undefined) return this.anonymous!;
    const byKey = this.apiKeys?.verify(credential);
    if (byKey) return byKey;
    if (this.jwt && JWT_SHAPE.test(credential)) return this.jwt.verify(credential);
    throw new AuthFailure(this.jwt ? 'invalid_token' : 'unknown_key', 'the credential is not a known API key or token');
  }
}
