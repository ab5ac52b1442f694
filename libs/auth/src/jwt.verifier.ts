import { createHash } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OAuthConfig } from '@gateway/config';
import { AuthFailure } from './auth-errors.js';
import type { Principal } from './principal.js';

/** Asymmetric algorithms only: `none` and HMAC (which a public key could be abused as the secret of) never verify. */
export const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** A token with an unknown `kid` refetches the JWKS at most this often. */
const REFETCH_COOLDOWN_MS = 3_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_CACHED_TOKENS = 10_000;

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies JWT access tokens as an OAuth resource server: signature against the issuer's JWKS (found through
 * discovery when `jwks_uri` is unset), `iss`, `aud`, `exp`/`nbf` with the configured tolerance, and the required
 * scopes. A verified token is remembered by its SHA-256 until it expires.
 */
export class JwtVerifier {
  private jwks?: Promise<RemoteJwks>;
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly config: OAuthConfig,
    private readonly defaultRoles: readonly string[],
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async verify(token: string): Promise<Principal> {
    const hash = createHash('sha256').update(token).digest('base64url');
    const cached = this.verified.get(hash);
    if (cached && cached.expiresAt > Date.now()) return this.withScopes(cached.principal);
    if (cached) this.verified.delete(hash);
    const payload = await this.verifySignatureAndClaims(token);
    const principal = this.principalFrom(payload);
    if (typeof payload.exp === 'number') {
      if (this.verified.size >= MAX_CACHED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(hash, { principal, expiresAt: payload.exp * 1000 });
    }
    return this.withScopes(principal);
  }

  private async verifySignatureAndClaims(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, (header, input) => this.key(header, input), {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: Math.round(this.config.clock_tolerance / 1000),
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      throw toFailure(error);
    }
  }

  /** The signing key: from the remote set, or from the last one fetched while the issuer cannot be reached. */
  private async key(...args: Parameters<JWTVerifyGetKey>) {
    const jwks = await this.remote();
    try {
      return await jwks(...args);
    } catch (error) {
      if (!unreachable(error)) throw error;
      const last = jwks.jwks();
      if (!last)
        throw new AuthFailure('jwks_unavailable', `the issuer's signing keys cannot be fetched: ${text(error)}`);
      return createLocalJWKSet(last)(...args);
    }
  }

  private remote(): Promise<RemoteJwks> {
    this.jwks ??= this.jwksUri().then(
      (uri) =>
        createRemoteJWKSet(new URL(uri), {
          cooldownDuration: REFETCH_COOLDOWN_MS,
          cacheMaxAge: JWKS_MAX_AGE_MS,
          timeoutDuration: FETCH_TIMEOUT_MS,
        }),
      (error: unknown) => {
        this.jwks = undefined;
        throw new AuthFailure('jwks_unavailable', `the issuer's discovery document cannot be read: ${text(error)}`);
      },
    );
    return this.jwks;
  }

  /** `jwks_uri`, else the issuer's RFC 8414 metadata, else its OpenID configuration. */
  private async jwksUri(): Promise<string> {
    if (this.config.jwks_uri) return this.config.jwks_uri;
    let lastProblem = '';
    for (const url of discoveryUrls(this.config.issuer)) {
      const response = await this.fetchImpl(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!response.ok) {
        lastProblem = `${url} answered ${response.status}`;
        continue;
      }
      const document = (await response.json()) as { issuer?: string; jwks_uri?: string };
      if (document.issuer !== this.config.issuer) {
        throw new Error(`${url} names issuer ${String(document.issuer)}, not ${this.config.issuer}`);
      }
      if (typeof document.jwks_uri === 'string') return document.jwks_uri;
      lastProblem = `${url} has no jwks_uri`;
    }
    throw new Error(lastProblem);
  }

  private principalFrom(payload: JWTPayload): Principal {
    const id = claimAt(payload, this.config.principal_claim);
    if (typeof id !== 'string' || !id) {
      throw new AuthFailure('invalid_token', `the token has no ${this.config.principal_claim} claim`);
    }
    const scopes = scopesOf(payload);
    const claimed = this.config.roles_claim === 'scope' ? scopes : asList(claimAt(payload, this.config.roles_claim));
    return { id, kind: 'oauth', roles: [...new Set([...claimed, ...this.defaultRoles])], scopes };
  }

  private withScopes(principal: Principal): Principal {
    const missing = this.config.required_scopes.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length) throw new AuthFailure('insufficient_scope', `the token lacks the scope ${missing.join(' ')}`);
    return principal;
  }
}

/** RFC 8414 section 3 (the well-known segment before the issuer's path), then OpenID Connect Discovery. */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `scope` (RFC 9068, space-separated) or `scp` (Entra ID, Okta: a string or a list). */
function scopesOf(payload: JWTPayload): string[] {
  return [...new Set([...asList(payload.scope), ...asList(payload.scp)])];
}

/** The JWKS could not be fetched (network, timeout, non-200, not JSON), as opposed to a token it does not verify. */
function unreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  return error instanceof TypeError || (error instanceof Error && error.name === 'AbortError');
}

function toFailure(error: unknown): AuthFailure {
  if (error instanceof AuthFailure) return error;
  if (error instanceof errors.JWTExpired) return new AuthFailure('expired', 'the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return new AuthFailure('wrong_audience', 'the token is not for this resource (aud)');
    if (error.claim === 'iss') return new AuthFailure('wrong_issuer', 'the token is from another issuer (iss)');
    if (error.claim === 'nbf') return new AuthFailure('not_yet_valid', 'the token is not valid yet (nbf)');
    return new AuthFailure('invalid_token', `the token's ${error.claim} claim is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthFailure('bad_signature', 'the token signature does not verify');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthFailure('alg_not_allowed', 'the token is not signed with an asymmetric algorithm');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthFailure('unknown_kid', "the token's key is not among the issuer's keys");
  }
  return new AuthFailure('invalid_token', 'the token is not a valid JWT');
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
