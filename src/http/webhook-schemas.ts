/**
 * Shapes of the `/webhooks` routes and of the events they deliver. They
 * validate requests and generate the OpenAPI document, like schemas.ts.
 */
import { Type, type TSchema } from '@sinclair/typebox';

import { EVENT_TYPES } from '../storage/index.js';
import {
  Assignment,
  Attempt,
  EventTypeName,
  IdString,
} from './schemas.js';

const KNOWN_EVENTS = `One of: ${EVENT_TYPES.join(', ')}.`;

const Timestamp = (description: string) =>
  Type.String({ format: 'date-time', description });

const Nullable = <T extends TSchema>(schema: T) =>
  Type.Union([schema, Type.Null()]);

// Event names are checked by the service, which can say which types
// exist; a schema union would only report "expected union value".
const EventList = (description: string) =>
  Type.Array(
    Type.String({ minLength: 1, maxLength: 64, description: KNOWN_EVENTS }),
    { minItems: 1, maxItems: 20, description },
  );

const Description = Nullable(
  Type.String({ maxLength: 500, description: 'A note for people.' }),
);

export const WebhookParams = Type.Object({ id: IdString('The webhook.') });

export const DeliveryParams = Type.Object({
  id: IdString('The webhook.'),
  deliveryId: IdString('A delivery of that webhook.'),
});

export const NewWebhook = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'Where deliveries are POSTed; https, public address.',
    }),
    events: EventList('Event types to receive, in any order.'),
    description: Type.Optional(Description),
  },
  { additionalProperties: false, $id: 'NewWebhook' },
);

export const WebhookPatch = Type.Object(
  {
    isActive: Type.Optional(
      Type.Boolean({
        description: 'false pauses deliveries; true resumes them.',
      }),
    ),
    events: Type.Optional(EventList('Replaces the event types.')),
    description: Type.Optional(Description),
  },
  { additionalProperties: false, $id: 'WebhookPatch' },
);

export const DeliveriesQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        default: 20,
        description: 'Page size.',
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: 'nextCursor of the previous page.',
      }),
    ),
  },
  { additionalProperties: false },
);

const webhookFields = {
  webhookId: Type.String(),
  url: Type.String(),
  events: Type.Array(EventTypeName),
  description: Nullable(Type.String()),
  isActive: Type.Boolean(),
  disabledReason: Nullable(
    Type.String({
      description: 'Why delivery turned it off: `gone` (the receiver ' +
        'answered 410) or `failing` (5 days without a success).',
    }),
  ),
  createdAt: Timestamp('When it was registered.'),
};

export const Webhook = Type.Object(webhookFields, {
  $id: 'Webhook',
  description: 'A subscription; its secret is never shown again.',
});

export const WebhookWithSecret = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({
      description: 'Signing secret, `whsec_` + base64. Shown only now.',
    }),
  },
  { $id: 'WebhookWithSecret' },
);

export const TestPingResult = Type.Object(
  {
    delivered: Type.Boolean({ description: 'The receiver answered 2xx.' }),
    statusCode: Nullable(Type.Integer()),
    durationMs: Type.Integer({ minimum: 0 }),
    error: Type.Optional(
      Type.String({ description: 'Why it was not delivered.' }),
    ),
  },
  { $id: 'TestPingResult' },
);

export const Delivery = Type.Object(
  {
    deliveryId: Type.String(),
    eventId: Type.String({ description: 'The `webhook-id` header.' }),
    eventType: EventTypeName,
    status: Type.Union(
      ['pending', 'delivering', 'succeeded', 'failed'].map((s) =>
        Type.Literal(s)),
    ),
    attempts: Type.Integer({ minimum: 0 }),
    lastStatusCode: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    lastAttemptAt: Nullable(Timestamp('The last attempt.')),
    nextAttemptAt: Nullable(Timestamp('The next attempt, when pending.')),
    createdAt: Timestamp('When it was queued.'),
  },
  { $id: 'Delivery' },
);

export const DeliveryPage = Type.Object(
  {
    data: Type.Array(Delivery, { description: 'Newest first.' }),
    nextCursor: Nullable(
      Type.String({ description: 'Cursor of the next page.' }),
    ),
  },
  { $id: 'DeliveryPage' },
);

/** `data` of a `webhook.test` event. */
export const TestPingData = Type.Object(
  {
    webhookId: Type.String(),
    message: Type.String(),
  },
  { $id: 'TestPingData' },
);

/** The `data` of an `attempt.completed` event. */
export const AttemptCompletedData = Type.Composite(
  [Type.Object({ userId: Type.String() }), Attempt],
  { $id: 'AttemptCompletedData' },
);

/**
 * Every event type with the schema of its `data`, for the OpenAPI
 * document's `webhooks` section.
 */
export const WEBHOOK_EVENTS = [
  {
    type: 'assignment.created',
    summary: 'An assignment was created',
    description: 'Sent to the subscriptions of the assigned user and to ' +
      'master-key subscriptions. `data` is the assignment as the API ' +
      'returns it.',
    data: Assignment,
  },
  {
    type: 'attempt.completed',
    summary: 'A quiz or exam attempt was recorded',
    description: 'Sent when the host records an attempt, to the ' +
      "subscriptions of the attempt's user and to master-key subscriptions.",
    data: AttemptCompletedData,
  },
  {
    type: 'webhook.test',
    summary: 'A test ping',
    description: 'Sent by `POST /webhooks/{id}/test` to that subscription ' +
      'only, once, without retries.',
    data: TestPingData,
  },
] as const;
