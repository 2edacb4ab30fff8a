/**
 * Which error statuses a route can answer, and how the document describes
 * each one. Every error body is the shared `Error` schema.
 */
import { STATUS_CODES } from 'node:http';

import type { JsonSchema } from './openapi-schema.js';
import type { ResponseObject } from './openapi.js';
import type { RouteSpec } from './route.js';

interface ErrorKind {
  name: string;
  description: string;
  header?: [name: string, description: string, schema: JsonSchema];
}

const RETRY_AFTER: ErrorKind['header'] = [
  'Retry-After',
  'Seconds to wait before trying again.',
  { type: 'integer', minimum: 0 },
];

const KNOWN: Record<number, ErrorKind> = {
  400: {
    name: 'BadRequest',
    description: 'Malformed JSON, a missing field or a value of the ' +
      'wrong type; the message names the field.',
  },
  401: {
    name: 'Unauthorized',
    description: 'The key is missing, unknown, expired or inactive.',
    header: ['WWW-Authenticate', 'The Bearer challenge.', { type: 'string' }],
  },
  403: {
    name: 'Forbidden',
    description: "The key is valid but lacks the permission, or the data " +
      "is another user's.",
  },
  404: {
    name: 'NotFound',
    description: 'Unknown userId, categoryId or webhook id.',
  },
  409: {
    name: 'Conflict',
    description: 'A webhook with this URL and event set already exists.',
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The request body is larger than the limit.',
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The request body must be sent as application/json.',
  },
  429: {
    name: 'TooManyRequests',
    description: 'Too many requests.',
    header: RETRY_AFTER,
  },
  500: { name: 'InternalError', description: 'Unexpected server error.' },
  503: {
    name: 'ServiceUnavailable',
    description: 'Storage is unavailable for a moment; retry later.',
    header: RETRY_AFTER,
  },
};

/** Whether the status has a shared entry in `components.responses`. */
export function isKnownError(status: number): boolean {
  return status in KNOWN;
}

/**
 * The error statuses of a route: 400 when it takes input, 401/403/503 when
 * it needs a key (the key is looked up in storage), 413/415 when it takes a
 * body, 500 always, and the route's own `errors`.
 */
export function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set<number>(route.errors ?? []);

  if (route.params || route.query || route.body) statuses.add(400);
  if (route.permission) [401, 403, 503].forEach((s) => statuses.add(s));
  if (route.body) [413, 415].forEach((s) => statuses.add(s));
  statuses.add(500);

  return [...statuses].sort((a, b) => a - b);
}

/** The response object of one error status and its component name. */
export function errorResponse(status: number, error: JsonSchema) {
  const kind = KNOWN[status] ??
    { name: `Error${status}`, description: STATUS_CODES[status] ?? 'Error' };
  const response: ResponseObject = {
    description: kind.description,
    content: { 'application/json': { schema: error } },
  };

  if (kind.header) {
    const [name, description, schema] = kind.header;

    response.headers = { [name]: { description, schema } };
  }

  return { name: kind.name, response };
}
