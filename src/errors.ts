/**
 * Errors a request can end in. Each carries the status and a message the
 * client may see; anything else becomes a bare 500.
 */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, message);

export const forbidden = (message: string) => new ApiError(403, message);

export const notFound = (message: string) => new ApiError(404, message);

export const conflict = (message: string) => new ApiError(409, message);

export {
  DuplicateSubscriptionError,
  StorageUnavailableError,
  UnknownReferenceError,
} from './storage/errors.js';
