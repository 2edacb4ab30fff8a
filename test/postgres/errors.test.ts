/**
 * The error mapping on hand-made driver errors; needs no database.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import {
  constraintErrors,
  isOutage,
  translateError,
} from '../../adapters/postgres/errors.js';
import { createNames } from '../../adapters/postgres/names.js';
import {
  DuplicateSubscriptionError,
  StorageUnavailableError,
  UnknownReferenceError,
} from '../../src/storage/index.js';

const test = suite('postgres: error mapping');
const constraints = constraintErrors(createNames('lms', 'cb_'));

function driverError(
  message: string,
  fields: { code?: string; constraint?: string; name?: string } = {},
): Error {
  return Object.assign(new Error(message), fields);
}

test('network and server outages count as unavailable', () => {
  const refused = new AggregateError([
    driverError('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' }),
  ], 'all attempts failed');
  const outages = [
    refused,
    driverError('Knex: Timeout acquiring a connection.', {
      name: 'KnexTimeoutError',
    }),
    driverError('terminating connection due to administrator command', {
      code: '57P01',
    }),
    driverError('canceling statement due to statement timeout', {
      code: '57014',
    }),
    driverError('connection failure', { code: '08006' }),
    driverError('Connection terminated unexpectedly'),
    new Error('wrapped', {
      cause: driverError('read ECONNRESET', { code: 'ECONNRESET' }),
    }),
  ];

  for (const error of outages) assert.equal(isOutage(error), true);
});

test('bugs and data errors are not outages', () => {
  assert.equal(isOutage(driverError('no such table', { code: '42P01' })),
    false);
  assert.equal(isOutage(new TypeError('x is undefined')), false);
  assert.equal(isOutage(undefined), false);
});

test('an outage becomes StorageUnavailableError with a fixed message', () => {
  const original = driverError(
    'select * from t where secret = \'s3cr3t\' - canceling statement',
    { code: '57014' },
  );
  const mapped = translateError(original, constraints);

  assert.ok(mapped instanceof StorageUnavailableError);
  assert.equal(mapped.message, 'Storage is unavailable.');
  assert.equal(mapped.cause, original);
});

test('known constraints become domain errors, by prefixed name', () => {
  const duplicate = translateError(
    driverError('dup', {
      code: '23505', constraint: 'cb_subscriptions_identity',
    }),
    constraints,
  );
  const category = translateError(
    driverError('fk', { code: '23503', constraint: 'cb_attempts_category_fk' }),
    constraints,
  );
  const otherPrefix = driverError('fk', {
    code: '23503', constraint: 'lms_attempts_user_fk',
  });

  assert.ok(duplicate instanceof DuplicateSubscriptionError);
  assert.ok(category instanceof UnknownReferenceError);
  assert.equal(category.field, 'categoryId');
  assert.equal(translateError(otherPrefix, constraints), otherPrefix);
});

test('other errors pass through unchanged', () => {
  const digestClash = driverError('dup', {
    code: '23505', constraint: 'cb_api_keys_digest',
  });

  assert.equal(translateError(digestClash, constraints), digestClash);
});

test.run();
