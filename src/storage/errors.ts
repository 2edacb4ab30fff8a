/**
 * Errors an adapter throws through the port. The HTTP layer maps each to a
 * status code; their messages never carry input values or SQL.
 */

/** A subscription with the same owner, URL and event set already exists. */
export class DuplicateSubscriptionError extends Error {
  override name = 'DuplicateSubscriptionError';

  constructor() {
    super('A webhook with this URL and event set already exists.');
  }
}

/** A write named a user or category the catalog does not have. */
export class UnknownReferenceError extends Error {
  override name = 'UnknownReferenceError';

  constructor(readonly field: 'userId' | 'categoryId') {
    super(`Unknown ${field}.`);
  }
}

/**
 * The database cannot be reached or did not answer in time. The API answers
 * 503 and recovers by itself once the database is back.
 */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';

  constructor(options?: { cause?: unknown }) {
    super('Storage is unavailable.', options);
  }
}
