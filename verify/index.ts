/**
 * `certboost-lms-api/verify`: checks CertBoost LMS webhook deliveries
 * (Standard Webhooks). Stands apart from the rest of the package: no koa,
 * no knex, and it runs on Node or any runtime with Web Crypto.
 *
 * @example
 * ```ts
 * import { verifyWebhook } from 'certboost-lms-api/verify';
 *
 * const event = await verifyWebhook(rawBody, headers, secret);
 * ```
 *
 * @packageDocumentation
 */
export {
  verifyWebhook,
  type VerifyWebhookOptions,
  type WebhookEventEnvelope,
  type WebhookRawBody,
} from './verify.js';
export {
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from './errors.js';
export type {
  HeaderGetter,
  WebhookHeaders,
  WebhookHeaderValue,
} from './headers.js';
export {
  verifyWebhookMiddleware,
  type WebhookContext,
  type WebhookMiddleware,
  type WebhookMiddlewareOptions,
  type WebhookRawRequest,
} from './middleware.js';
