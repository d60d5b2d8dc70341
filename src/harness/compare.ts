import { isDeepStrictEqual } from 'node:util';
import type { PublishedEvent } from './types.js';

/** One field where a payload differs from what was expected. */
export interface FieldDifference {
  /** `orderId`, `items[0].sku`, or `(payload)` for the whole value. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

const isAsymmetric = (value: unknown): value is { asymmetricMatch(other: unknown): boolean } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/**
 * The fields where `actual` fails a deep partial match of `expected`, with the semantics of
 * `toMatchObject`: extra properties are fine, arrays must match element by element, and asymmetric
 * matchers (`expect.any(String)`) are honoured anywhere.
 * @internal
 */
export function differences(expected: unknown, actual: unknown, path = ''): FieldDifference[] {
  const here = (): FieldDifference[] => [{ path: path || '(payload)', expected, actual }];
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual) ? [] : here();
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return here();
    return expected.flatMap((item, index) => differences(item, actual[index], `${path}[${index}]`));
  }
  if (isPlainObject(expected)) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return here();
    const record = actual as Record<string, unknown>;
    return Object.keys(expected).flatMap((key) => differences(expected[key], record[key], join(path, key)));
  }
  if (expected instanceof Date) {
    return actual instanceof Date && actual.getTime() === expected.getTime() ? [] : here();
  }
  if (typeof expected === 'object' && expected !== null)
    return isDeepStrictEqual(expected, actual) ? [] : here();
  return Object.is(expected, actual) ? [] : here();
}

/** Result of checking one published event against a `where`. */
export interface WhereResult {
  readonly matched: boolean;
  /** The differing fields; `undefined` when `where` is a predicate (which cannot say why). */
  readonly differences: readonly FieldDifference[] | undefined;
}

/** @internal */
export function checkWhere(where: unknown, record: PublishedEvent): WhereResult {
  if (where === undefined) return { matched: true, differences: [] };
  if (typeof where === 'function')
    return {
      matched: Boolean(
        (where as (payload: unknown, record: PublishedEvent) => unknown)(record.payload, record),
      ),
      differences: undefined,
    };
  const found = differences(where, record.payload);
  return { matched: found.length === 0, differences: found };
}
