/**
 * A small webhook receiver: verifies each delivery, skips ones it has
 * already processed and acknowledges everything it accepts.
 *
 * Run: WEBHOOK_SECRET=whsec_... npx tsx examples/receiver/server.ts
 * Environment: WEBHOOK_SECRET (required), PORT (default 4000).
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { pathToFileURL } from 'node:url';

import {
  verifyWebhook,
  WebhookVerificationError,
  type WebhookEventEnvelope,
} from '../../verify/index.js';

/** Options for {@link createReceiver}. */
export interface ReceiverOptions {
  /** The subscription's secret, or several during a rotation. */
  secret: string | readonly string[];
  /** Handles a new event; a throw answers 500 so the sender retries. */
  onEvent: (event: WebhookEventEnvelope, id: string) => unknown;
  /** How many recent webhook-ids to remember. Default 10,000. */
  rememberIds?: number;
  /** Largest body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
}

/**
 * Builds (but does not start) the receiver's HTTP server.
 *
 * @example
 * ```ts
 * const server = createReceiver({
 *   secret: process.env.WEBHOOK_SECRET!,
 *   onEvent: (event, id) => queue.push({ id, event }),
 * });
 * server.listen(4000);
 * ```
 */
export function createReceiver(options: ReceiverOptions): Server {
  const { secret, onEvent } = options;
  const seen = recentIds(options.rememberIds ?? 10_000);
  const limit = options.maxBodyBytes ?? 1024 * 1024;

  async function receive(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST') return reply(res, 405, { error: 'POST only.' });

    const body = await readBody(req, limit);

    if (!body) return reply(res, 413, { error: 'Request body too large.' });

    const event = await verifyWebhook(body, req.headers, secret);
    const id = webhookId(req);

    // Senders retry until they see a 2xx, so a repeat is acknowledged.
    if (seen.has(id)) return reply(res, 200, { duplicate: true });

    await handleOnce(id, event);
    reply(res, 200, { duplicate: false });
  }

  // Remembered before the handler runs, so a retry that arrives meanwhile
  // is not processed twice; forgotten again if the handler fails.
  async function handleOnce(id: string, event: WebhookEventEnvelope) {
    seen.add(id);
    try {
      await onEvent(event, id);
    } catch (error) {
      seen.delete(id);
      throw error;
    }
  }

  return createServer((req, res) => {
    receive(req, res).catch((error: unknown) => fail(res, error));
  });
}

function fail(res: ServerResponse, error: unknown) {
  if (error instanceof WebhookVerificationError) {
    return reply(res, error.status, { error: error.message });
  }

  reply(res, 500, { error: 'Processing failed.' });
}

function reply(res: ServerResponse, status: number, body: object) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function webhookId(req: IncomingMessage): string {
  const id = req.headers['webhook-id'] ?? req.headers['svix-id'];

  return String(id);
}

/** A set that forgets its oldest entry once it holds `limit` of them. */
function recentIds(limit: number) {
  const ids = new Set<string>();

  return {
    has: (id: string) => ids.has(id),
    delete: (id: string) => ids.delete(id),
    add(id: string) {
      if (ids.size >= limit) ids.delete(ids.values().next().value as string);
      ids.add(id);
    },
  };
}

/** Resolves undefined when the body is larger than `limit` bytes. */
async function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > limit) return undefined;

  const chunks: Buffer[] = [];
  let size = 0;

  // Breaking out would destroy the socket before the 413 goes out, so an
  // oversized body is drained but not kept.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }

  return size > limit ? undefined : Buffer.concat(chunks);
}

function main() {
  const secret = process.env.WEBHOOK_SECRET;
  const port = Number(process.env.PORT ?? 4000);

  if (!secret) {
    console.error('Set WEBHOOK_SECRET to the subscription secret (whsec_...).');
    process.exitCode = 1;

    return;
  }

  const server = createReceiver({
    secret,
    onEvent: (event, id) => console.log(`${id} ${event.type}`),
  });

  server.listen(port, () => {
    console.log(`Webhook receiver listening on http://localhost:${port}`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main();
}
