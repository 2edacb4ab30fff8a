/**
 * The OpenAPI 3.1 document, generated from the same route table and
 * schemas that serve and validate requests, so the two cannot part.
 */
import { Type, type TSchema } from '@sinclair/typebox';

import { SchemaComponents, type JsonSchema } from './openapi-schema.js';
import {
  errorResponse,
  errorStatuses,
  isKnownError,
} from './openapi-errors.js';
import type { RouteSpec } from './route.js';
import { ErrorBody } from './schemas.js';

export type { JsonSchema } from './openapi-schema.js';

/** One webhook event type, documented under the top-level `webhooks`. */
export interface WebhookEventDoc {
  /** The event type, e.g. `assignment.created`. */
  type: string;
  /** One line shown as the event's title. */
  summary: string;
  /** When the event is sent and to whom. */
  description?: string;
  /** Schema of the envelope's `data`. */
  data: TSchema;
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** Every route; hidden ones are left out. */
  routes: readonly RouteSpec[];
  /** Mount point, e.g. `/api/lms/v1`. */
  prefix: string;
  /** The document's title. */
  serviceName: string;
  /** Where the host is reached, e.g. `https://lms.example.com`. */
  publicUrl: string;
  /** Name of the API key header, e.g. `X-CertBoost-Key`. */
  keyHeader: string;
  /** Webhook events to document. Default: none. */
  webhookEvents?: readonly WebhookEventDoc[];
}

export interface MediaType {
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, MediaType>;
}

export interface RefObject {
  $ref: string;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseObject | RefObject>;
  security?: Record<string, string[]>[];
  'x-permission'?: string;
}

export type PathItem = Partial<Record<string, OperationObject>>;

/** An OpenAPI 3.1 document as {@link buildOpenApiDocument} returns it. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, PathItem>;
  webhooks: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, ResponseObject>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

/** Each route accepts any one of these; open routes take none. */
const SECURITY: Record<string, string[]>[] = [
  { ApiKeyHeader: [] },
  { BearerKey: [] },
  { ApiKeyQuery: [] },
];

/** The Standard Webhooks headers every delivery carries. */
const STANDARD_WEBHOOK_HEADERS: ParameterObject[] = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'The event id, the same on every retry: de-duplicate by it.',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'Seconds since the Unix epoch when this attempt was sent.',
    schema: { type: 'integer' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description: 'Space-separated `v1,<base64 HMAC-SHA256 of ' +
      'id.timestamp.body>` signatures; two while a secret is rotated.',
    schema: { type: 'string' },
  },
];

/** What the generator carries from route to route. */
interface Build {
  components: SchemaComponents;
  responses: Record<string, ResponseObject>;
  operationIds: Set<string>;
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

/** `GET /users/{userId}/progress` → `getUsersProgress`, kept unique. */
function operationIdOf(route: RouteSpec, used: Set<string>): string {
  const segments = route.path.split('/').filter(Boolean);
  const words = segments.filter((s) => !s.startsWith('{'));
  const params = segments.filter((s) => s.startsWith('{'));
  const base = route.method.toLowerCase() +
    pascal(words.length ? words.join(' ') : route.tag);
  let id = base;

  if (used.has(id)) id = `${base}By${pascal(params.join(' '))}`;
  for (let n = 2; used.has(id); n++) id = `${base}${n}`;
  used.add(id);

  return id;
}

function securitySchemes(keyHeader: string) {
  return {
    ApiKeyHeader: {
      type: 'apiKey',
      in: 'header',
      name: keyHeader,
      description: `Preferred: the key in the \`${keyHeader}\` header.`,
    },
    BearerKey: {
      type: 'http',
      scheme: 'bearer',
      description: 'The key as `Authorization: Bearer <key>`.',
    },
    ApiKeyQuery: {
      type: 'apiKey',
      in: 'query',
      name: 'api_key',
      description: 'Deprecated: the key in the `api_key` query parameter. ' +
        'URLs end up in logs and browser history; use the header.',
      'x-deprecated': true,
    },
  };
}

function parametersOf(
  schema: TSchema | undefined,
  location: 'path' | 'query',
  components: SchemaComponents,
): ParameterObject[] {
  if (!schema) return [];

  const required = new Set<string>(schema.required ?? []);
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;

  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = components.convert(property);

    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function jsonContent(schema: JsonSchema, type = 'application/json') {
  return { [type]: { schema } };
}

function successResponses(
  route: RouteSpec,
  components: SchemaComponents,
): Record<string, ResponseObject> {
  const responses: Record<string, ResponseObject> = {};

  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = spec.schema
      ? {
        description: spec.description,
        content: jsonContent(components.convert(spec.schema), spec.type),
      }
      : { description: spec.description };
  }

  return responses;
}

function errorResponses(route: RouteSpec, build: Build) {
  const responses: Record<string, ResponseObject | RefObject> = {};
  const error = build.components.convert(ErrorBody);

  for (const status of errorStatuses(route)) {
    const { name, response } = errorResponse(status, error);

    if (isKnownError(status)) {
      build.responses[name] = response;
      responses[status] = { $ref: `#/components/responses/${name}` };
    } else {
      responses[status] = response;
    }
  }

  return responses;
}

function permissionNote(route: RouteSpec): string {
  return route.permission
    ? `Needs a key with **${route.permission}** permission or higher.`
    : 'Open: no key needed.';
}

function operationOf(route: RouteSpec, build: Build): OperationObject {
  const parameters = [
    ...parametersOf(route.params, 'path', build.components),
    ...parametersOf(route.query, 'query', build.components),
  ];
  const operation: OperationObject = {
    operationId: operationIdOf(route, build.operationIds),
    summary: route.description,
    description: permissionNote(route),
    tags: [route.tag],
    responses: {
      ...successResponses(route, build.components),
      ...errorResponses(route, build),
    },
    security: route.permission ? SECURITY : [],
    'x-permission': route.permission ?? 'None',
  };

  if (parameters.length) operation.parameters = parameters;
  if (route.body) {
    operation.requestBody = {
      required: true,
      content: jsonContent(build.components.convert(route.body)),
    };
  }

  return operation;
}

function pathsOf(routes: RouteSpec[], build: Build) {
  const paths: Record<string, PathItem> = {};

  for (const route of routes) {
    const path = route.path || '/';

    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationOf(route, build);
  }

  return paths;
}

function envelopeOf(event: WebhookEventDoc): TSchema {
  return Type.Object(
    {
      type: Type.Literal(event.type),
      timestamp: Type.String({
        format: 'date-time',
        description: 'When the event happened.',
      }),
      data: event.data,
    },
    { description: `The \`${event.type}\` event as the receiver gets it.` },
  );
}

function webhookOperation(event: WebhookEventDoc, schema: JsonSchema) {
  const operation: OperationObject = {
    operationId: `on${pascal(event.type)}`,
    summary: event.summary,
    parameters: STANDARD_WEBHOOK_HEADERS,
    requestBody: { required: true, content: jsonContent(schema) },
    responses: {
      '2XX': { description: 'Received. Any other answer is retried.' },
      410: { description: 'Gone: the subscription is disabled.' },
    },
  };

  if (event.description) operation.description = event.description;

  return operation;
}

function webhooksOf(events: readonly WebhookEventDoc[], build: Build) {
  const webhooks: Record<string, PathItem> = {};

  for (const event of events) {
    const name = `${pascal(event.type)}Event`;
    const schema = build.components.named(name, envelopeOf(event));

    webhooks[event.type] = { post: webhookOperation(event, schema) };
  }

  return webhooks;
}

function tagsOf(routes: RouteSpec[]): OpenApiDocument['tags'] {
  const names = new Set(routes.map((route) => route.tag));

  return [...names].map((name) => ({ name }));
}

function describeApi(keyHeader: string): string {
  return [
    'Every endpoint that needs a key accepts it in the ' +
      `\`${keyHeader}\` header (preferred), as \`Authorization: Bearer\`, ` +
      'or in the deprecated `api_key` query parameter.',
    'Every non-2xx response is JSON: `{ "error": "..." }`.',
  ].join('\n\n');
}

/**
 * Builds the OpenAPI 3.1 document of the API from its route table.
 *
 * Named schemas (those with a `$id`) go to `components.schemas`; every
 * operation lists its success responses and each error status it can
 * answer with the shared `Error` schema.
 *
 * @example
 * const doc = buildOpenApiDocument({ routes: lms.routes, prefix: lms.prefix,
 *   serviceName: 'CertBoost LMS API', publicUrl: 'https://lms.example.com',
 *   keyHeader: 'X-CertBoost-Key' });
 */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const routes = options.routes.filter((route) => !route.hidden);
  const events = options.webhookEvents ?? [];
  const build: Build = {
    components: new SchemaComponents(),
    responses: {},
    operationIds: new Set(),
  };

  build.components.convert(ErrorBody);

  return {
    openapi: '3.1.0',
    info: {
      title: options.serviceName,
      version: 'v1',
      description: describeApi(options.keyHeader),
    },
    servers: [{ url: `${options.publicUrl}${options.prefix}` }],
    tags: tagsOf(routes),
    paths: pathsOf(routes, build),
    webhooks: webhooksOf(events, build),
    components: {
      schemas: build.components.schemas,
      responses: build.responses,
      securitySchemes: securitySchemes(options.keyHeader),
    },
  };
}
