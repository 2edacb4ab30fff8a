import { randomUUID } from 'node:crypto';

import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';

import { ApiError, forbidden } from '../errors.js';
import { trace, type Logger } from '../logger.js';
import {
  permits,
  type Authenticate,
  type AuthResult,
  type Caller,
} from '../services/auth/authenticator.js';
import { createErrorBoundary, sendError } from './errors.js';
import type { RouteSpec } from './route.js';
import { compileValidator } from './validate.js';

export interface ApiRouterOptions {
  prefix: string;
  keyHeader: string;
  serviceName: string;
  bodyLimitBytes: number;
  authenticate: Authenticate;
  logger: Logger;
  routes: RouteSpec[];
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

const AUTH_FAILURES: Record<Exclude<AuthResult, { ok: true }>['reason'], string> =
  {
    missing: 'Missing API key.',
    unknown: 'Invalid or inactive API key.',
    inactive: 'Invalid or inactive API key.',
    expired: 'API key has expired.',
  };

/**
 * The service name as a quoted-string: Node refuses header values with
 * characters above U+00FF or controls, and a bare quote would end it.
 */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&');
}

/** `{name}` in the documented path becomes `:name` for the router. */
export function toRouterPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function presentedKey(ctx: Context, keyHeader: string): string | undefined {
  const header = ctx.get(keyHeader);

  if (header) return header.trim();

  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('Authorization'));

  if (bearer) return bearer[1];

  const query = ctx.query.api_key;

  return typeof query === 'string' && query ? query : undefined;
}

function assignRequestId(ctx: Context): void {
  const given = ctx.get('X-Request-Id');
  const id = REQUEST_ID.test(given) ? given : randomUUID();

  ctx.state.lmsRequestId = id;
  ctx.set('X-Request-Id', id);
}

function assertJsonContent(ctx: Context): void {
  if (!ctx.is('application/json')) {
    throw new ApiError(415, 'Content-Type must be application/json.');
  }
}

/**
 * Builds the handler of one route: authenticate, check the permission,
 * parse and validate the input, then call the route.
 */
function createRouteHandler(route: RouteSpec, options: ApiRouterOptions) {
  const validateParams = route.params &&
    compileValidator(route.params, 'path parameter');
  const validateQuery = route.query &&
    compileValidator(route.query, 'query parameter');
  const validateBody = route.body && compileValidator(route.body, 'body field');
  const parseBody = bodyParser({
    enableTypes: ['json'],
    jsonLimit: options.bodyLimitBytes,
  });
  const challenge = {
    'WWW-Authenticate': `Bearer realm="${headerSafe(options.serviceName)}"`,
  };

  async function authorize(ctx: Context): Promise<Caller | null> {
    if (route.permission === null) return null;

    const result = await options.authenticate(ctx.state.lmsKey);

    if (!result.ok) throw new ApiError(401, AUTH_FAILURES[result.reason], challenge);

    if (!permits(result.caller.permission, route.permission)) {
      throw forbidden(
        `This key has ${result.caller.permission} permission; ` +
          `this endpoint needs ${route.permission}.`,
      );
    }

    return result.caller;
  }

  async function readBody(ctx: Context): Promise<unknown> {
    if (!validateBody) return {};

    assertJsonContent(ctx);

    await parseBody(ctx, async () => {});

    return validateBody(ctx.request.body);
  }

  return async function lmsRoute(ctx: Context): Promise<void> {
    const caller = await authorize(ctx);
    const params = validateParams ? validateParams(ctx.params) : {};
    const query = validateQuery ? validateQuery(withoutApiKey(ctx.query)) : {};
    const body = await readBody(ctx);
    const result = await route.handle({
      params, query, body, caller: caller as Caller, ctx,
    } as never);

    ctx.status = result.status;
    if (result.body !== undefined) ctx.body = result.body;
    if (result.type) ctx.type = result.type;
    for (const [name, value] of Object.entries(result.headers ?? {})) {
      ctx.set(name, value);
    }
  };
}

/** The query without the key, which is not a parameter of any route. */
function withoutApiKey(query: Record<string, unknown>) {
  const { api_key: _key, ...rest } = query;

  return rest;
}

/** Converts the router's bare 405/501 answers into JSON errors. */
function methodNotAllowed(ctx: Context): void {
  if (ctx.status !== 405 && ctx.status !== 501) return;

  const allow = ctx.response.get('Allow');

  // The router answers 501 to an unusual method even when no route has
  // the path: that is an unknown endpoint, not a wrong method.
  if (!allow) {
    ctx.remove('Allow');

    return sendError(ctx, { status: 404, message: 'No such endpoint.' });
  }

  sendError(ctx, {
    status: 405,
    message: `Method ${ctx.method} is not allowed here. Allowed: ${allow}.`,
    headers: { Allow: allow },
  });
}

/**
 * The plugin's request pipeline for everything under the prefix. Requests
 * outside it go straight to the host's next middleware.
 */
export function createApiMiddleware(options: ApiRouterOptions): Middleware {
  const router = new Router({ prefix: options.prefix });
  const boundary = createErrorBoundary(options.logger);

  for (const route of options.routes) {
    const handler = createRouteHandler(route, options);

    router.register(toRouterPath(route.path) || '/', [route.method], handler);
  }

  const routes = router.routes();
  const allowed = router.allowedMethods();
  const prefix = options.prefix;

  async function pipeline(ctx: Context) {
    ctx.state.lmsKey = presentedKey(ctx, options.keyHeader);
    assignRequestId(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    trace.http('%s %s', ctx.method, ctx.path);

    const routed = ctx as Parameters<typeof routes>[0];
    const checked = ctx as Parameters<typeof allowed>[0];

    await routes(routed, () => allowed(checked, async () => {}));
    methodNotAllowed(ctx);

    if (ctx.status === 404 && ctx.body === undefined) {
      sendError(ctx, { status: 404, message: 'No such endpoint.' });
    }
  }

  return async function lmsApi(ctx: Context, next: Next) {
    const path = ctx.path;

    if (path !== prefix && !path.startsWith(`${prefix}/`)) return next();

    await boundary(ctx, () => pipeline(ctx));
  };
}
