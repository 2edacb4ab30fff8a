import { randomBytes } from 'node:crypto';

/**
 * A random identifier with a readable prefix, e.g. `asn_3q2…`. 16 random
 * bytes in base64url: no dots, safe in URLs and in `webhook-id`.
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
