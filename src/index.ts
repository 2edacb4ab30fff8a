/**
 * certboost-lms-api: the CertBoost LMS REST API v1 as a Koa plugin.
 */
export { createLmsApi, type LmsApi } from './create-lms-api.js';
export type { LmsApiOptions } from './options.js';
export {
  createWebhookWorker,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from './services/delivery/worker.js';
export type {
  DeliveryInfo,
  SubscriptionDisabledInfo,
  WebhookOptions,
} from './services/delivery/config.js';
export type { DispatchCounts } from './services/delivery/dispatcher.js';
export type { Logger } from './logger.js';
export type { ApiKey, CreateKeyInput } from './services/auth/key-admin.js';
export type { RecordAttemptInput } from './services/catalog-admin.js';
export type { AssignmentView } from './services/views.js';
export type { Caller } from './services/auth/authenticator.js';
export type { RouteSpec } from './http/route.js';
export { ApiError } from './errors.js';
export * from './storage/index.js';
