/**
 * `certboost-lms-api/client`: a typed client for the CertBoost LMS REST
 * API v1, built on the global `fetch`. It has no runtime dependency and
 * runs wherever `fetch` does (Node 18+, Deno, Bun, browsers, workers).
 *
 * Response types come from the same TypeBox schemas the server validates
 * and documents with; only their types are imported.
 */
import type { Static } from '@sinclair/typebox';

import type { OpenApiDocument } from '../src/http/openapi.js';
import type {
  Assignment,
  Category,
  Directory,
  EventTypeName,
  NewAssignment,
  Progress,
} from '../src/http/schemas.js';
import type {
  Delivery,
  DeliveryPage,
  TestPingResult,
  Webhook,
  WebhookPatch,
  WebhookWithSecret,
} from '../src/http/webhook-schemas.js';

export type DirectoryBody = Static<typeof Directory>;
export type CategoryBody = Static<typeof Category>;
export type ProgressBody = Static<typeof Progress>;
export type AssignmentBody = Static<typeof Assignment>;
export type WebhookBody = Static<typeof Webhook>;
export type WebhookWithSecretBody = Static<typeof WebhookWithSecret>;
export type TestPingBody = Static<typeof TestPingResult>;
export type DeliveryBody = Static<typeof Delivery>;
export type DeliveryPageBody = Static<typeof DeliveryPage>;
export type WebhookEventType = Static<typeof EventTypeName>;
export type { OpenApiDocument };

/** An instant as an ISO-8601 string or a Date. */
export type Instant = string | Date;

/** Input of {@link LmsClient.createAssignment}. */
export type NewAssignmentInput =
  Omit<Static<typeof NewAssignment>, 'dueAt'> & { dueAt?: Instant | null };

/** Input of {@link LmsClient.createWebhook}. */
export interface NewWebhookInput {
  url: string;
  events: WebhookEventType[];
  description?: string | null;
}

/** Input of {@link LmsClient.updateWebhook}. */
export type WebhookPatchInput =
  Omit<Static<typeof WebhookPatch>, 'events'> & { events?: WebhookEventType[] };

/** Options of {@link createLmsClient}. */
export interface LmsClientOptions {
  /** The API root, e.g. `https://lms.example.com/api/lms/v1`. */
  baseUrl: string;
  /** An API key: the master key or a user-scoped key. */
  key: string;
  /** A fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Header that carries the key. Default `X-CertBoost-Key`. */
  keyHeader?: string;
}

/**
 * A non-2xx answer. `message` is the server's `error`; `retryAfterSeconds`
 * is set on 429 and 503 when the server sent `Retry-After`.
 */
export class LmsApiError extends Error {
  override name = 'LmsApiError';

  constructor(
    /** The HTTP status code. */
    readonly status: number,
    message: string,
    /** Seconds to wait before retrying (429 and 503 only). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | Date | undefined>;

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
}

const DEFAULT_KEY_HEADER = 'X-CertBoost-Key';

function fail(option: string, expected: string): never {
  throw new TypeError(`createLmsClient: \`${option}\` must be ${expected}`);
}

function checkOptions(options: LmsClientOptions): void {
  if (!options || typeof options !== 'object') fail('options', 'an object');

  let url: URL | null = null;

  try {
    url = new URL(options.baseUrl);
  } catch {
    url = null;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    fail('baseUrl', 'an absolute http(s) URL, e.g. https://host/api/lms/v1');
  }
  if (typeof options.key !== 'string' || !options.key.trim()) {
    fail('key', 'a non-empty string');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    fail('fetch', 'a function');
  }
  if (options.keyHeader !== undefined &&
    !/^[A-Za-z0-9-]+$/.test(String(options.keyHeader))) {
    fail('keyHeader', 'an HTTP header name');
  }
}

function toText(value: string | number | boolean | Date): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function queryString(query: Query = {}): string {
  const params = new URLSearchParams();

  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, toText(value));
  }

  const text = params.toString();

  return text ? `?${text}` : '';
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(
  header: string | null,
  now: Date = new Date(),
): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);

  const at = Date.parse(header);

  if (Number.isNaN(at)) return undefined;

  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

async function errorOf(response: Response): Promise<LmsApiError> {
  const text = await response.text().catch(() => '');
  let message = `HTTP ${response.status}`;

  try {
    const body = JSON.parse(text) as { error?: unknown };

    if (typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON (a proxy's error page, say): keep the status line.
  }

  const retryable = response.status === 429 || response.status === 503;
  const retryAfter = retryable
    ? parseRetryAfter(response.headers.get('Retry-After'))
    : undefined;

  return new LmsApiError(response.status, message, retryAfter);
}

const segment = (value: string) => encodeURIComponent(value);

/**
 * Creates a client for the API at `baseUrl`. Every method resolves with
 * the parsed body and rejects with {@link LmsApiError} on a non-2xx
 * answer.
 *
 * @example
 * const lms = createLmsClient({
 *   baseUrl: 'https://lms.example.com/api/lms/v1',
 *   key: process.env.CB_KEY!,
 * });
 * const categories = await lms.listCategories({ search: 'aws' });
 */
export function createLmsClient(options: LmsClientOptions) {
  checkOptions(options);

  const base = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? globalThis.fetch;
  const key = options.key;
  const keyHeader = options.keyHeader ?? DEFAULT_KEY_HEADER;

  async function call<T>({ method, path, query, body }: Call): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      [keyHeader]: key,
    };

    if (body !== undefined) headers['Content-Type'] = 'application/json';

    const response = await send(base + path + queryString(query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;

    return (await response.json()) as T;
  }

  const webhook = (id: string) => `/webhooks/${segment(id)}`;

  return {
    /** `GET /`: the service, its version, docs URL and endpoints. */
    directory: () => call<DirectoryBody>({ method: 'GET', path: '' }),

    /** `GET /categories`: active categories, or all with `includeOff`. */
    listCategories: (query: { search?: string; includeOff?: boolean } = {}) =>
      call<CategoryBody[]>({ method: 'GET', path: '/categories', query }),

    /** `GET /users/{userId}/progress`: attempts and category averages. */
    getProgress: (
      userId: string,
      query: { recent?: number; fromUtc?: Instant } = {},
    ) => call<ProgressBody>({
      method: 'GET',
      path: `/users/${segment(userId)}/progress`,
      query,
    }),

    /** `POST /assignments`: assigns a category to a user. */
    createAssignment: (input: NewAssignmentInput) =>
      call<AssignmentBody>({
        method: 'POST',
        path: '/assignments',
        body: {
          ...input,
          dueAt: input.dueAt instanceof Date
            ? input.dueAt.toISOString()
            : input.dueAt,
        },
      }),

    /** `GET /webhooks`: the key's own subscriptions (master key: all). */
    listWebhooks: () =>
      call<WebhookBody[]>({ method: 'GET', path: '/webhooks' }),

    /** `POST /webhooks`: registers a subscription; keep its `secret`. */
    createWebhook: (input: NewWebhookInput) =>
      call<WebhookWithSecretBody>({
        method: 'POST',
        path: '/webhooks',
        body: input,
      }),

    /** `PATCH /webhooks/{id}`: pauses, resumes or changes a subscription. */
    updateWebhook: (id: string, patch: WebhookPatchInput) =>
      call<WebhookBody>({ method: 'PATCH', path: webhook(id), body: patch }),

    /** `DELETE /webhooks/{id}`: removes a subscription. */
    deleteWebhook: (id: string) =>
      call<void>({ method: 'DELETE', path: webhook(id) }),

    /** `POST /webhooks/{id}/test`: sends a `webhook.test` event now. */
    testWebhook: (id: string) =>
      call<TestPingBody>({ method: 'POST', path: `${webhook(id)}/test` }),

    /** `POST /webhooks/{id}/rotate-secret`: a new secret (the old one
     * keeps signing beside it for 24 hours). */
    rotateWebhookSecret: (id: string) =>
      call<WebhookWithSecretBody>({
        method: 'POST',
        path: `${webhook(id)}/rotate-secret`,
      }),

    /** `GET /webhooks/{id}/deliveries`: the delivery log, newest first. */
    listWebhookDeliveries: (
      id: string,
      query: { cursor?: string; limit?: number } = {},
    ) => call<DeliveryPageBody>({
      method: 'GET',
      path: `${webhook(id)}/deliveries`,
      query,
    }),

    /** `POST /webhooks/{id}/deliveries/{deliveryId}/redeliver`. */
    redeliverWebhookDelivery: (id: string, deliveryId: string) =>
      call<DeliveryBody>({
        method: 'POST',
        path: `${webhook(id)}/deliveries/${segment(deliveryId)}/redeliver`,
      }),

    /** `GET /openapi.json`: the OpenAPI 3.1 document. */
    openApi: () =>
      call<OpenApiDocument>({ method: 'GET', path: '/openapi.json' }),
  };
}

/** The client {@link createLmsClient} returns. */
export type LmsClient = ReturnType<typeof createLmsClient>;
