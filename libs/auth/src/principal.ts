/** Who is calling: an API key's id, a token's principal claim, or `anonymous` (auth.allow_anonymous). */
export interface Principal {
  readonly id: string;
  readonly kind: 'api_key' | 'oauth' | 'anonymous';
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
}

export const ANONYMOUS_ID = 'anonymous';

/** Where the guard leaves the verified principal on the request (Fastify's request object). */
export const PRINCIPAL = Symbol('gateway.principal');

export interface WithPrincipal {
  [PRINCIPAL]?: Principal;
}

/** The principal the auth guard verified for this request; undefined when authentication is off. */
export function principalOf(req: object): Principal | undefined {
  return (req as WithPrincipal)[PRINCIPAL];
}
