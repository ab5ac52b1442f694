import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '@gateway/config';
import type { Principal } from './principal.js';

interface KnownKey {
  digest: Buffer;
  principal: Principal;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * `auth.api_keys`: the presented key is hashed and compared with every configured key's SHA-256 in constant time
 * (all of them, whatever matched), so neither timing nor the config tells a key.
 */
export class ApiKeyVerifier {
  private readonly keys: KnownKey[];

  constructor(keys: ApiKeyConfig[], defaultRoles: readonly string[]) {
    this.keys = keys.map((key) => ({
      digest: key.key_sha256 ? Buffer.from(key.key_sha256, 'hex') : sha256(key.key!),
      principal: { id: key.id, kind: 'api_key', roles: [...new Set([...key.roles, ...defaultRoles])], scopes: [] },
    }));
  }

  get size(): number {
    return this.keys.length;
  }

  verify(presented: string): Principal | undefined {
    const digest = sha256(presented);
    let found: Principal | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.digest, digest)) found ??= key.principal;
    return found;
  }
}
