/**
 * Koa middleware around the verifier, typed structurally so this package
 * never imports koa.
 */
import { loadEngine } from './engine.js';
import { WebhookVerificationError } from './errors.js';
import type { WebhookHeaders } from './headers.js';
import { signingKeys, type SigningKey } from './secrets.js';
import {
  verifyDelivery,
  verifySettings,
  type VerifySettings,
  type VerifyWebhookOptions,
} from './verify.js';

/** Options for {@link verifyWebhookMiddleware}. */
export interface WebhookMiddlewareOptions extends VerifyWebhookOptions {
  /** Largest body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
}

/** The parts of a Node `IncomingMessage` the middleware reads. */
export interface WebhookRawRequest {
  readonly readableEnded?: boolean;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/** The parts of a Koa context the middleware reads and writes. */
export interface WebhookContext {
  req: WebhookRawRequest;
  request: { headers: WebhookHeaders; rawBody?: unknown };
  status: number;
  body: unknown;
  state: Record<string, unknown>;
}

/** A Koa-compatible middleware function. */
export type WebhookMiddleware = (
  ctx: WebhookContext,
  next: () => Promise<unknown>,
) => Promise<void>;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Koa middleware that reads the raw body, verifies it, stores the event in
 * `ctx.state.webhook` and the `webhook-id` in `ctx.state.webhookId`, then
 * calls `next`. A failure answers `{ "error": "..." }`: 400 for a
 * malformed request, 401 for a bad signature or a timestamp outside the
 * tolerance, 413 for a body over `maxBodyBytes`; `next` is not called.
 *
 * Mount it before any body parser, which would consume the stream. If
 * `ctx.request.rawBody` is a string (as @koa/bodyparser leaves it), that
 * is used instead. Throws a `TypeError` here for an empty secret or a bad
 * option.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { verifyWebhookMiddleware } from 'certboost-lms-api/verify';
 *
 * const app = new Koa();
 * app.use(verifyWebhookMiddleware(process.env.WEBHOOK_SECRET!));
 * app.use((ctx) => {
 *   console.log(ctx.state.webhookId, ctx.state.webhook.type);
 *   ctx.status = 204;
 * });
 * ```
 */
export function verifyWebhookMiddleware(
  secret: string | readonly string[],
  options: WebhookMiddlewareOptions = {},
): WebhookMiddleware {
  const keys = signingKeys(secret);
  const settings = verifySettings(options);
  const limit = maxBodyBytes(options.maxBodyBytes);

  return async function checkWebhook(ctx, next) {
    const body = await rawBodyOf(ctx, limit);

    if (body === undefined) return;

    if (!(await verifyInto(ctx, body, keys, settings))) return;

    await next();
  };
}

function maxBodyBytes(value = DEFAULT_MAX_BODY_BYTES): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError('Expected `maxBodyBytes` to be a positive integer.');
  }

  return value;
}

// Resolves undefined when it has already answered (413 or 400).
async function rawBodyOf(
  ctx: WebhookContext,
  limit: number,
): Promise<string | Uint8Array | undefined> {
  const parsed = ctx.request.rawBody;

  if (typeof parsed === 'string') return parsed;

  if (declaredLength(ctx.request.headers) > limit) {
    return answer(ctx, 413, 'Request body too large.');
  }

  if (ctx.req.readableEnded) {
    throw new Error(
      'verifyWebhookMiddleware found the body already read: ' +
        'mount it before any body parser.',
    );
  }

  return readLimited(ctx.req, limit).then(
    (read) => read ?? answer(ctx, 413, 'Request body too large.'),
    () => answer(ctx, 400, 'Could not read the request body.'),
  );
}

function declaredLength(headers: WebhookHeaders): number {
  const value =
    'get' in headers && typeof headers.get === 'function'
      ? headers.get('content-length')
      : (headers as Record<string, unknown>)['content-length'];

  return typeof value === 'string' ? Number(value) : 0;
}

async function verifyInto(
  ctx: WebhookContext,
  body: string | Uint8Array,
  keys: readonly SigningKey[],
  settings: VerifySettings,
): Promise<boolean> {
  try {
    const engine = await loadEngine();
    const delivery = await verifyDelivery(
      engine,
      body,
      ctx.request.headers,
      keys,
      settings,
    );

    ctx.state.webhook = delivery.event;
    ctx.state.webhookId = delivery.id;

    return true;
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;

    answer(ctx, error.status, error.message);

    return false;
  }
}

function answer(ctx: WebhookContext, status: number, message: string) {
  ctx.status = status;
  ctx.body = { error: message };

  return undefined;
}

/**
 * Collects the stream; resolves undefined as soon as it passes `limit`.
 * The rest is left flowing with no listener, so Node discards it.
 */
function readLimited(
  req: WebhookRawRequest,
  limit: number,
): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;

    function onData(chunk: Uint8Array | string) {
      const bytes =
        typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;

      size += bytes.byteLength;
      if (size > limit) return finish(() => resolve(undefined));

      chunks.push(bytes);
    }

    const onEnd = () => finish(() => resolve(concat(chunks, size)));
    const onError = (error: Error) => finish(() => reject(error));
    const onClose = () => finish(() => reject(new Error('aborted')));

    function finish(settle: () => void) {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
      settle();
    }

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];

  const bytes = new Uint8Array(size);
  let offset = 0;

  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  return bytes;
}
