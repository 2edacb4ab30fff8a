/**
 * Shared fixtures for the verify tests. Signatures here come from
 * node:crypto directly, never from the code under test.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A fixed clock, in unix seconds. */
export const NOW = 1_700_000_000;

/** Options that pin the verifier's clock to {@link NOW}. */
export const atNow = { now: () => NOW * 1000 };

/** A fresh `whsec_` secret. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The oracle: HMAC-SHA256 as the Standard Webhooks spec defines it. */
export function oracleSign(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Uint8Array,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest('base64');

  return `v1,${mac}`;
}

/** A realistic envelope as the LMS sends it. */
export function envelopeBody(): string {
  return JSON.stringify({
    type: 'attempt.completed',
    timestamp: new Date(NOW * 1000).toISOString(),
    data: { attemptId: 'att_1', userId: 'usr_1', score: 87, passed: true },
  });
}

/** Headers for a delivery signed by the oracle. */
export function signedHeaders(
  secret: string,
  body: string | Uint8Array,
  { id = 'msg_1', timestamp = NOW } = {},
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': oracleSign(secret, id, timestamp, body),
  };
}
