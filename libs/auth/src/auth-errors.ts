/** Why a request was not authenticated; the metric label and, for 401s, the `error_description`. */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'oversized'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'bad_signature'
  | 'alg_not_allowed'
  | 'unknown_kid'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'jwks_unavailable';

/** Credentials that do not authenticate: 401 (or 403 for a missing scope, 503 when the keys cannot be fetched). */
export class AuthFailure extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'AuthFailure';
  }

  get status(): 401 | 403 | 503 {
    if (this.reason === 'insufficient_scope') return 403;
    return this.reason === 'jwks_unavailable' ? 503 : 401;
  }

  /** RFC 6750 error code: none when no credentials were sent. */
  get oauthError(): 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined {
    if (this.reason === 'missing' || this.reason === 'jwks_unavailable') return undefined;
    if (this.reason === 'malformed' || this.reason === 'oversized') return 'invalid_request';
    return this.reason === 'insufficient_scope' ? 'insufficient_scope' : 'invalid_token';
  }
}
