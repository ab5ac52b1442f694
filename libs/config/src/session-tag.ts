import { createHash } from 'node:crypto';

/**
 * A session id as logs show it: the first 8 hex digits of its SHA-256. Enough to follow one session through the log,
 * useless to take it over (whoever holds a session id can send requests in that session).
 */
export function sessionTag(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 8);
}
