/**
 * HMAC-SHA256 engines. Node gets node:crypto, loaded lazily so a Web
 * runtime never asks for it; everything else gets Web Crypto.
 */
import type { KeyObject } from 'node:crypto';

import type { SigningKey } from './secrets.js';

type NodeCrypto = typeof import('node:crypto');
type Body = string | Uint8Array;

/** Computes and compares base64 HMAC-SHA256 signatures. */
export interface Engine {
  readonly name: 'node' | 'web';
  /** base64 HMAC-SHA256 of `prefix` followed by `body`, one per key. */
  sign(
    keys: readonly SigningKey[],
    prefix: string,
    body: Body,
  ): Promise<string[]> | string[];
  /** Compares two strings in time that does not depend on their content. */
  equal(a: string, b: string): boolean;
}

let selected: Promise<Engine> | undefined;
let ready: Engine | undefined;

/**
 * The engine for this runtime: the engine itself once chosen, else a
 * promise of it. Handing back the engine directly spares the hot path a
 * promise hop per call.
 */
export function currentEngine(): Engine | Promise<Engine> {
  return ready ?? loadEngine();
}

/** The engine for this runtime, chosen on first use and then reused. */
export function loadEngine(): Promise<Engine> {
  selected ??= pickEngine().then((engine) => (ready = engine));

  return selected;
}

async function pickEngine(): Promise<Engine> {
  if (!isNode()) return webEngine;

  try {
    return nodeEngine(await import('node:crypto'));
  } catch {
    // A bundle may stub out node:crypto; Web Crypto still works there.
    return webEngine;
  }
}

function isNode(): boolean {
  const host = globalThis as { process?: { versions?: { node?: unknown } } };

  return typeof host.process?.versions?.node === 'string';
}

/** Builds the node:crypto engine; KeyObjects are made once per secret. */
export function nodeEngine(crypto: NodeCrypto): Engine {
  const keyObjects = new WeakMap<SigningKey, KeyObject>();

  function keyObject(key: SigningKey) {
    let object = keyObjects.get(key);

    if (!object) {
      object = crypto.createSecretKey(key.bytes);
      keyObjects.set(key, object);
    }

    return object;
  }

  function signOne(key: SigningKey, prefix: string, body: Body) {
    return crypto
      .createHmac('sha256', keyObject(key))
      .update(prefix)
      .update(body)
      .digest('base64');
  }

  return {
    name: 'node',
    sign(keys, prefix, body) {
      const signatures: string[] = [];

      for (const key of keys) signatures.push(signOne(key, prefix, body));

      return signatures;
    },
    equal(a, b) {
      const left = Buffer.from(a);
      const right = Buffer.from(b);

      // timingSafeEqual needs equal lengths; a length is no secret.
      if (left.length !== right.length) return false;

      return crypto.timingSafeEqual(left, right);
    },
  };
}

const encoder = new TextEncoder();
const cryptoKeys = new WeakMap<SigningKey, Promise<CryptoKey>>();

/** Web Crypto engine: no Buffer, no node:crypto. */
export const webEngine: Engine = {
  name: 'web',
  async sign(keys, prefix, body) {
    const data = signedBytes(prefix, body);

    return Promise.all(keys.map((key) => webSign(key, data)));
  },
  equal: constantTimeEqual,
};

async function webSign(
  key: SigningKey,
  data: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const cryptoKey = await importKey(key);
  const mac = await crypto.subtle.sign('HMAC', cryptoKey, data);

  return toBase64(new Uint8Array(mac));
}

function importKey(key: SigningKey): Promise<CryptoKey> {
  let pending = cryptoKeys.get(key);

  if (!pending) {
    const algorithm = { name: 'HMAC', hash: 'SHA-256' };

    pending = crypto.subtle.importKey('raw', key.bytes, algorithm, false, [
      'sign',
    ]);
    cryptoKeys.set(key, pending);
  }

  return pending;
}

function signedBytes(prefix: string, body: Body): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return encoder.encode(prefix + body);

  const head = encoder.encode(prefix);
  const data = new Uint8Array(head.length + body.length);

  data.set(head);
  data.set(body, head.length);

  return data;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';

  for (const byte of bytes) binary += String.fromCharCode(byte);

  return btoa(binary);
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;

  let difference = 0;

  for (let i = 0; i < a.length; i++) {
    difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  }

  return difference === 0;
}
