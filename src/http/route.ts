import type { Static, TSchema } from '@sinclair/typebox';
import type { Context } from 'koa';

import type { Permission } from '../storage/index.js';
import type { Caller } from '../services/auth/authenticator.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

type Input<S extends TSchema | undefined> =
  S extends TSchema ? Static<S> : Record<string, never>;

export interface RouteRequest<
  P extends TSchema | undefined,
  Q extends TSchema | undefined,
  B extends TSchema | undefined,
> {
  params: Input<P>;
  query: Input<Q>;
  body: Input<B>;
  /** Set on every route that needs a key. */
  caller: Caller;
  ctx: Context;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Content type of a non-JSON body, e.g. `html` or `text/css`. */
  type?: string;
}

/** One response a route documents: a schema, or null for an empty body. */
export interface ResponseSpec {
  description: string;
  schema: TSchema | null;
  /** Media type of the body. Default `application/json`. */
  type?: string;
}

/**
 * A route, described once: the router serves it, the directory lists it
 * and the OpenAPI document is generated from it.
 */
export interface RouteSpec<
  P extends TSchema | undefined = TSchema | undefined,
  Q extends TSchema | undefined = TSchema | undefined,
  B extends TSchema | undefined = TSchema | undefined,
> {
  method: HttpMethod;
  /** Below the prefix, with `{name}` parameters: `/users/{userId}/progress`. */
  path: string;
  /** The least permission needed; null for routes open without a key. */
  permission: Permission | null;
  description: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Success responses; error responses are added from the spec's shape. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses this route can answer besides the common ones. */
  errors?: number[];
  /** Served, but left out of the directory and the OpenAPI document. */
  hidden?: boolean;
  handle(request: RouteRequest<P, Q, B>): Promise<RouteResult>;
}

/** Identity function that lets TypeScript infer a route's input types. */
export function defineRoute<
  P extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  B extends TSchema | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
