import { Type } from '@sinclair/typebox';

import type { DeliveryLogService } from '../services/webhooks/delivery-log.js';
import type {
  SubscriptionService,
} from '../services/webhooks/subscriptions.js';
import { defineRoute, type RouteSpec } from './route.js';
import {
  DeliveriesQuery,
  Delivery,
  DeliveryPage,
  DeliveryParams,
  NewWebhook,
  TestPingResult,
  Webhook,
  WebhookParams,
  WebhookPatch,
  WebhookWithSecret,
} from './webhook-schemas.js';

/** The services the webhook routes call. */
export interface WebhookRouteDeps {
  subscriptions: SubscriptionService;
  deliveryLog: DeliveryLogService;
}

const TAG = 'Webhooks';

/**
 * The `/webhooks` routes: subscriptions, test pings, the delivery log and
 * redelivery. Reads need ReadOnly, changes ReadWrite; a user key only
 * ever sees its own subscriptions.
 */
export function webhookRoutes(deps: WebhookRouteDeps): RouteSpec[] {
  return [
    ...subscriptionRoutes(deps.subscriptions),
    ...deliveryRoutes(deps.deliveryLog),
  ];
}

function subscriptionRoutes(service: SubscriptionService): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/webhooks',
      permission: 'ReadOnly',
      description: 'List hooks',
      tag: TAG,
      responses: {
        200: {
          description: "The caller's webhooks, oldest first (master key: " +
            'all of them). Secrets are never listed.',
          schema: Type.Array(Webhook),
        },
      },
      async handle({ caller }) {
        return { status: 200, body: await service.list(caller) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/webhooks',
      permission: 'ReadWrite',
      description: 'Register',
      tag: TAG,
      body: NewWebhook,
      errors: [409],
      responses: {
        201: {
          description: 'The webhook, with its signing secret (shown once).',
          schema: WebhookWithSecret,
        },
      },
      async handle({ caller, body }) {
        return { status: 201, body: await service.create(caller, body) };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/webhooks/{id}',
      permission: 'ReadWrite',
      description: 'Update',
      tag: TAG,
      params: WebhookParams,
      body: WebhookPatch,
      errors: [404, 409],
      responses: {
        200: { description: 'The webhook after the change.', schema: Webhook },
      },
      async handle({ caller, params, body }) {
        const updated = await service.update(caller, params.id, body);

        return { status: 200, body: updated };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/webhooks/{id}',
      permission: 'ReadWrite',
      description: 'Remove',
      tag: TAG,
      params: WebhookParams,
      errors: [404],
      responses: {
        204: { description: 'Removed, with its delivery log.', schema: null },
      },
      async handle({ caller, params }) {
        await service.remove(caller, params.id);

        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/webhooks/{id}/rotate-secret',
      permission: 'ReadWrite',
      description: 'Rotate secret',
      tag: TAG,
      params: WebhookParams,
      errors: [404],
      responses: {
        200: {
          description: 'The new secret. The old one keeps signing beside ' +
            'it for 24 hours.',
          schema: WebhookWithSecret,
        },
      },
      async handle({ caller, params }) {
        const rotated = await service.rotateSecret(caller, params.id);

        return { status: 200, body: rotated };
      },
    }),
  ];
}

function deliveryRoutes(service: DeliveryLogService): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/webhooks/{id}/test',
      permission: 'ReadWrite',
      description: 'Test ping',
      tag: TAG,
      params: WebhookParams,
      errors: [404],
      responses: {
        200: {
          description: 'How the `webhook.test` delivery went; it is also ' +
            'in the delivery log.',
          schema: TestPingResult,
        },
      },
      async handle({ caller, params }) {
        return { status: 200, body: await service.test(caller, params.id) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/webhooks/{id}/deliveries',
      permission: 'ReadOnly',
      description: 'Delivery log',
      tag: TAG,
      params: WebhookParams,
      query: DeliveriesQuery,
      errors: [404],
      responses: {
        200: {
          description: 'Deliveries newest first, a page at a time.',
          schema: DeliveryPage,
        },
      },
      async handle({ caller, params, query }) {
        const page = await service.deliveries(caller, params.id, query);

        return { status: 200, body: page };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      permission: 'ReadWrite',
      description: 'Redeliver',
      tag: TAG,
      params: DeliveryParams,
      errors: [404, 409],
      responses: {
        202: {
          description: 'A new delivery of the same event (same ' +
            '`webhook-id`), queued.',
          schema: Delivery,
        },
      },
      async handle({ caller, params }) {
        const queued = await service.redeliver(caller, params.id,
          params.deliveryId);

        return { status: 202, body: queued };
      },
    }),
  ];
}
