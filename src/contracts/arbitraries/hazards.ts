import fc from 'fast-check';
import { EventproofError, failure } from '../../errors.js';

/**
 * Values that break JavaScript codecs, offered wherever a schema admits them. Every builder here
 * mixes the ordinary case with the hazards so fast-check finds them and shrinks towards them.
 */

/** Characters that codecs mangle: lone surrogates, NUL, line separators, quotes, astral symbols. */
const HAZARD_CHARS = [
  '\uD800',
  '\uDFFF',
  '\u0000',
  '\u2028',
  '\u2029',
  '"',
  '\\',
  '\u{1F600}',
  '\uFEFF',
  'é',
];
/**
 * Any code point, lone surrogates included. Built from an integer rather than fast-check's 'binary'
 * unit, whose reverse mapping of all 1.1 million code points costs most of a second to construct.
 */
const anyCodePoint = fc
  .integer({ min: 0, max: 0x10ffff })
  .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp)));
const hazardUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: anyCodePoint },
  { weight: 2, arbitrary: fc.constantFrom(...HAZARD_CHARS) },
);

export interface LengthBounds {
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
}

/** Any string within the bounds (measured in UTF-16 code units, as validators do). */
export function hazardString(bounds: LengthBounds = {}): fc.Arbitrary<string> {
  const min = bounds.minLength ?? 0;
  const max = bounds.maxLength;
  const arbitrary = fc.string({
    unit: hazardUnit,
    minLength: min,
    ...(max === undefined ? {} : { maxLength: max }),
  });
  return arbitrary.filter((text) => text.length >= min && (max === undefined || text.length <= max));
}

export interface NumberBounds {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly minExcluded?: boolean | undefined;
  readonly maxExcluded?: boolean | undefined;
}

/** Doubles including -0, NaN, ±Infinity and huge integers; the schema decides which survive. */
export function hazardDouble(bounds: NumberBounds = {}): fc.Arbitrary<number> {
  const bounded = bounds.min !== undefined || bounds.max !== undefined;
  const inRange = (n: number) =>
    (bounds.min === undefined || (bounds.minExcluded ? n > bounds.min : n >= bounds.min)) &&
    (bounds.max === undefined || (bounds.maxExcluded ? n < bounds.max : n <= bounds.max));
  const specials = [
    -0,
    0,
    NaN,
    Infinity,
    -Infinity,
    2 ** 53 + 2,
    -(2 ** 53) - 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    0.1,
  ];
  const core = fc.double({
    ...(bounds.min === undefined ? {} : { min: bounds.min, minExcluded: bounds.minExcluded ?? false }),
    ...(bounds.max === undefined ? {} : { max: bounds.max, maxExcluded: bounds.maxExcluded ?? false }),
    noNaN: bounded,
  });
  const edges = specials.filter((n) => Number.isNaN(n) || inRange(n));
  return edges.length === 0
    ? core
    : fc.oneof({ weight: 4, arbitrary: core }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
}

/** Integers, and when unbounded and not declared safe, integers beyond 2^53 (which a double holds only approximately). */
export function hazardInteger(
  bounds: { min?: number | undefined; max?: number | undefined; safe?: boolean } = {},
): fc.Arbitrary<number> {
  const min = Math.max(Math.ceil(bounds.min ?? Number.MIN_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
  const max = Math.min(Math.floor(bounds.max ?? Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  if (min > max) return fc.constant(Math.ceil(bounds.min ?? 0));
  // No -0 here: an integer schema means 0, and flagging JSON for turning -0 into 0 would be noise.
  const edges: number[] = [];
  if (!bounds.safe && bounds.max === undefined) edges.push(2 ** 53 + 2, 2 ** 60);
  if (!bounds.safe && bounds.min === undefined) edges.push(-(2 ** 53) - 2);
  const core = fc.integer({ min, max });
  return edges.length === 0
    ? core
    : fc.oneof({ weight: 4, arbitrary: core }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
}

/** BigInts, with values far beyond 64 bits. */
export function hazardBigInt(
  bounds: { min?: bigint | undefined; max?: bigint | undefined } = {},
): fc.Arbitrary<bigint> {
  return fc.bigInt({
    ...(bounds.min === undefined ? {} : { min: bounds.min }),
    ...(bounds.max === undefined ? {} : { max: bounds.max }),
  });
}

/** Valid dates (the invalid Date is not something a schema usually admits). */
export function hazardDate(
  bounds: { min?: Date | undefined; max?: Date | undefined } = {},
): fc.Arbitrary<Date> {
  return fc.date({
    noInvalidDate: true,
    ...(bounds.min ? { min: bounds.min } : {}),
    ...(bounds.max ? { max: bounds.max } : {}),
  });
}

const isoDateTime = hazardDate({
  min: new Date('0001-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
}).map((d) => d.toISOString());

const plainEmail = fc.stringMatching(
  /^[a-z0-9](?:[a-z0-9_+-]{0,10}[a-z0-9])?(?:\.[a-z0-9]{1,5})?@[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?\.[a-z]{2,6}$/,
);

/** Strings in a named format; undefined when the format is not one we generate. */
export function formattedString(format: string): fc.Arbitrary<string> | undefined {
  switch (format) {
    case 'uuid':
    case 'guid':
      return fc.uuid();
    case 'email':
      // fc.emailAddress() covers all of RFC 5322; validators accept a much plainer subset.
      return plainEmail;
    case 'date-time':
    case 'datetime':
      return isoDateTime;
    case 'date':
      return isoDateTime.map((text) => text.slice(0, 10));
    case 'time':
      return isoDateTime.map((text) => text.slice(11, 23));
    case 'uri':
    case 'url':
      return fc.webUrl();
    case 'ipv4':
      return fc.ipV4();
    case 'ipv6':
      return fc.ipV6();
    default:
      return undefined;
  }
}

/** A value of any kind, for schemas that accept anything (`unknown`, `{}`): JSON and the JS-only kinds. */
export const hazardAnything: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      hazardDate(),
      hazardBigInt(),
      fc.constantFrom(undefined, -0, NaN, Infinity),
      fc.array(fc.tuple(fc.string(), fc.integer()), { maxLength: 3 }).map((entries) => new Map(entries)),
      fc.array(fc.integer(), { maxLength: 3 }).map((values) => new Set(values)),
      hazardString(),
    ),
  },
);

/**
 * The error for a schema construct we cannot derive values for. The user can always pass their own.
 * @internal
 */
export function unsupported(eventName: string, construct: string, path: readonly string[]): EventproofError {
  const where = path.length === 0 ? 'at the root' : `at ${path.join('.')}`;
  return new EventproofError(
    'UNSUPPORTED_SCHEMA',
    failure(
      `derive payloads for ${eventName}`,
      `its schema uses ${construct} ${where}, which eventproof cannot generate values for`,
      'Pass your own fast-check arbitrary: checkRoundTrip(event, { arbitrary: fc.record({ … }) })',
    ),
  );
}

/** Collection length budget: nested collections shrink so generation stays fast and finite. */
export function collectionMax(depth: number, declared: number | undefined): number {
  const budget = depth >= 4 ? 0 : depth >= 2 ? 2 : 5;
  return declared === undefined ? budget : Math.min(declared, Math.max(budget, 0));
}
