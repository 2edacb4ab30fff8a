/**
 * Checks shared by the factories that take options. Each takes the
 * factory's own `fail`, so the TypeError names the factory and the option.
 */

/** Throws a TypeError saying what `option` must be. */
export type OptionFailure = (option: string, expected: string) => never;

export function positiveInteger(
  value: unknown,
  option: string,
  fallback: number,
  fail: OptionFailure,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    fail(option, 'a positive integer');
  }

  return value as number;
}

export function nonNegativeInteger(
  value: unknown,
  option: string,
  fallback: number,
  fail: OptionFailure,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    fail(option, 'a non-negative integer');
  }

  return value as number;
}

export function optionalBoolean(
  value: unknown,
  option: string,
  fail: OptionFailure,
): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(option, 'a boolean');

  return value;
}

export function checkFunction(
  value: unknown,
  option: string,
  fail: OptionFailure,
): void {
  if (value !== undefined && typeof value !== 'function') {
    fail(option, 'a function');
  }
}
