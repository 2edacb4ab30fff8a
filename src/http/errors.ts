import type { Context, Next } from 'koa';

import { ApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  DuplicateSubscriptionError,
  StorageUnavailableError,
  UnknownReferenceError,
} from '../storage/index.js';

interface Rendered {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** Seconds a client should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = '5';

/** Errors raised by the body parser (co-body / raw-body) carry a type. */
interface ParserError extends Partial<Error> {
  status?: number;
  type?: string;
  limit?: number;
}

function renderParserError(error: ParserError): Rendered | null {
  if (error.name === 'SyntaxError' && error.status === 400) {
    return { status: 400, message: 'Malformed JSON in the request body.' };
  }

  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, message: 'Malformed JSON in the request body.' };
    case 'entity.too.large':
      return {
        status: 413,
        message: `The request body is larger than ${error.limit} bytes.`,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, message: 'Unsupported request body encoding.' };
    case 'request.size.invalid':
    case 'request.aborted':
      return { status: 400, message: 'The request body was incomplete.' };
    default:
      return null;
  }
}

function render(error: unknown): Rendered | null {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      message: error.message,
      headers: error.headers,
    };
  }
  if (error instanceof DuplicateSubscriptionError) {
    return { status: 409, message: error.message };
  }
  if (error instanceof UnknownReferenceError) {
    return { status: 404, message: `Unknown ${error.field}.` };
  }
  if (error instanceof StorageUnavailableError) {
    return {
      status: 503,
      message: 'The service is temporarily unavailable. Try again shortly.',
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    };
  }

  return renderParserError((error ?? {}) as ParserError);
}

export function sendError(ctx: Context, rendered: Rendered): void {
  ctx.status = rendered.status;
  ctx.body = { error: rendered.message };
  for (const [name, value] of Object.entries(rendered.headers ?? {})) {
    ctx.set(name, value);
  }
}

/**
 * Turns every failure under the prefix into `{ "error": "..." }` JSON and
 * stops it there, so the host's own error handling never sees it and no
 * stack trace reaches the client.
 */
export function createErrorBoundary(logger: Logger) {
  return async function lmsErrorBoundary(ctx: Context, next: Next) {
    try {
      await next();
    } catch (error) {
      const rendered = render(error);

      if (rendered) return sendError(ctx, rendered);

      logger.error(
        { err: error, requestId: ctx.state.lmsRequestId, method: ctx.method,
          path: ctx.path },
        'certboost-lms-api: unexpected error',
      );
      sendError(ctx, { status: 500, message: 'Internal server error' });
    }
  };
}
