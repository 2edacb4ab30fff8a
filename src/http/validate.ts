import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
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

function describe(location: Location, error: ValueError): string {
  const field = fieldName(error);

  if (error.message === 'Expected required property') {
    return `Missing required ${location} "${field}".`;
  }
  if (error.message === 'Unexpected property') {
    return `Unknown ${location} "${field}".`;
  }
  if (!field) return `The request body must be a JSON object.`;

  const detail = error.message.replace(/^Expected/, 'expected');

  return `Invalid ${location} "${field}": ${detail}.`;
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
    const value = coerce ? Value.Convert(schema, input) : input;

    if (check.Check(value)) return value;

    throw badRequest(describe(location, firstError(check, value)));
  };
}
