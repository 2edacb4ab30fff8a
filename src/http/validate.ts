import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value, type ValueError } from '@sinclair/typebox/value';

import { badRequest } from '../errors.js';

export type Location = 'path parameter' | 'query parameter' | 'body field';

const FIELD_NAME_LIMIT = 64;

function fieldName(error: ValueError): string {
  const name = error.path.slice(1).replaceAll('/', '.');

  return name.length > FIELD_NAME_LIMIT
    ? `${name.slice(0, FIELD_NAME_LIMIT)}…`
    : name;
}

const INSTANT = 'an ISO-8601 instant with a time zone, ' +
  'e.g. 2026-05-01T00:00:00Z';

/** Errors that only say the value is of another JSON type. */
const TYPE_MISMATCHES = new Set([
  ValueErrorType.Array, ValueErrorType.Boolean, ValueErrorType.Integer,
  ValueErrorType.Literal, ValueErrorType.Null, ValueErrorType.Number,
  ValueErrorType.Object, ValueErrorType.String,
]);

/** What a schema accepts, in words: `an integer`, `a string or null`. */
function expectation(schema: TSchema): string {
  if (Array.isArray(schema.anyOf)) {
    return schema.anyOf.map(expectation).join(' or ');
  }
  if (schema.format === 'date-time') return INSTANT;
  if (schema.type === 'null') return 'null';
  if (schema.type === 'integer') return 'an integer';

  return `a ${schema.type}`;
}

/**
 * TypeBox reports a failed union as "Expected union value". When the
 * value has the type of one branch, that branch's error says more.
 */
function unwrapUnion(error: ValueError): ValueError {
  if (error.type !== ValueErrorType.Union) return error;

  for (const branch of error.errors) {
    const first = branch.First();

    if (first && !TYPE_MISMATCHES.has(first.type)) return unwrapUnion(first);
  }

  return error;
}

function problem(error: ValueError): string {
  const { schema, type } = error;

  if (type === ValueErrorType.Union) return `expected ${expectation(schema)}`;
  if (type === ValueErrorType.StringFormat && schema.format === 'date-time') {
    return `expected ${INSTANT}`;
  }
  if (type === ValueErrorType.StringPattern && schema.pattern === '\\S') {
    return 'must not be blank';
  }
  if (type === ValueErrorType.StringMinLength && schema.minLength === 1) {
    return 'must not be empty';
  }

  return error.message.replace(/^Expected/, 'expected');
}

function describe(location: Location, error: ValueError): string {
  const field = fieldName(error);

  if (error.message === 'Expected required property') {
    return `Missing required ${location} "${field}".`;
  }
  if (error.message === 'Unexpected property') {
    return `Unknown ${location} "${field}".`;
  }
  if (!field) return `The request body must be a JSON object.`;

  return `Invalid ${location} "${field}": ${problem(unwrapUnion(error))}.`;
}

/** The plain forms a query or path string must have to be converted. */
const PLAIN_FORMS: Record<string, RegExp> = {
  integer: /^\d+$/,
  number: /^-?\d+(\.\d+)?$/,
  boolean: /^(true|false|1|0)$/i,
};

/**
 * Converts query and path strings to the types the schema declares, but
 * only from plain decimal or boolean forms: TypeBox alone reads `0x10` as
 * 16, `1e1` as 1 and ` 5` as 5. Other strings stay strings and fail.
 */
function convertStrings(schema: TSchema, input: unknown): unknown {
  const raw: Record<string, unknown> = { ...(input as object) };
  const converted = Value.Convert(schema, { ...raw }) as Record<string, unknown>;
  const properties: Record<string, TSchema> = schema.properties ?? {};

  for (const [name, property] of Object.entries(properties)) {
    const value = raw[name];
    const plain = PLAIN_FORMS[property.type as string];

    if (typeof value === 'string' && plain && !plain.test(value)) {
      converted[name] = value;
    }
  }

  return converted;
}

/** The message of the most useful error: a missing field before the rest. */
function firstError(check: TypeCheck<TSchema>, value: unknown): ValueError {
  const errors = [...check.Errors(value)];

  return (
    errors.find((e) => e.message === 'Expected required property') ??
    errors.find((e) => e.path !== '') ??
    errors[0]
  );
}

/**
 * Compiles a schema once and returns a function that checks a value,
 * throwing a 400 that names the field and what was wrong.
 */
export function compileValidator(
  schema: TSchema,
  location: Location,
): (value: unknown) => unknown {
  const check = TypeCompiler.Compile(schema);
  const coerce = location !== 'body field';

  return function validate(input: unknown): unknown {
    const value = coerce ? convertStrings(schema, input) : input;

    if (check.Check(value)) return value;

    throw badRequest(describe(location, firstError(check, value)));
  };
}
