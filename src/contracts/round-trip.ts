import fc from 'fast-check';
import { DecodeError, EventproofError, failure, InvalidArgumentError } from '../errors.js';
import { arbitraryForEvent } from './arbitraries/index.js';
import { formatIssues } from './schema.js';
import { describe, explainDifference, firstDifference, formatPath } from './structural-diff.js';
import type { EventType, WireMessage } from './types.js';

export interface RoundTripOptions<Input = unknown> {
  /** How many payloads to try. Default 100. */
  readonly runs?: number;
  /** The seed of the generator; a failure prints the one to replay. Default: a random seed. */
  readonly seed?: number;
  /** With `seed`, replays one failing case exactly, as printed by a failure. */
  readonly path?: string;
  /** Your own payload generator, for schemas eventproof cannot derive one from. */
  readonly arbitrary?: fc.Arbitrary<Input>;
  /**
   * Changes your consumers do not care about, accepted instead of reported: `'undefined-as-missing'`
   * (JSON drops properties set to `undefined`) and `'negative-zero'` (JSON writes -0 as 0).
   * Default: none — every change is reported.
   */
  readonly tolerate?: readonly RoundTripTolerance[];
}

/** A change a codec makes that a check may be told to accept. */
export type RoundTripTolerance = 'undefined-as-missing' | 'negative-zero';

/** Applies the tolerated normalisations to the expected value, the way the codec will. */
function normalise(value: unknown, tolerate: ReadonlySet<RoundTripTolerance>): unknown {
  if (typeof value === 'number') return tolerate.has('negative-zero') && Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map((item) => normalise(item, tolerate));
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined && tolerate.has('undefined-as-missing')) continue;
    out[key] = normalise(item, tolerate);
  }
  return out;
}

/** What a passing check tried. */
export interface RoundTripSummary {
  readonly event: string;
  readonly codec: string;
  readonly runs: number;
  /** Generated payloads the schema rejected (refinements), skipped rather than tried. */
  readonly skipped: number;
  readonly seed: number;
}

/** One payload that did not survive encode → decode. */
interface Broken {
  readonly payload: unknown;
  readonly stage: 'encode' | 'decode' | 'compare';
  /** Where the value changed; empty when the whole step failed. */
  readonly path: readonly PropertyKey[];
  readonly before: unknown;
  readonly after: unknown;
  readonly explanation: string;
  readonly error?: unknown;
}

/**
 * A payload the schema accepts that does not come back equal after encode → decode. `counterexample`
 * is the smallest one fast-check found; `path` says what changed; `seed` and `replayPath` replay it.
 *
 * @example
 * ```ts
 * try {
 *   checkRoundTrip(OrderCreated);
 * } catch (error) {
 *   if (error instanceof RoundTripError) console.log(error.path, error.before, error.after);
 * }
 * ```
 */
export class RoundTripError extends EventproofError {
  /** The smallest payload (schema input) that failed. */
  readonly counterexample: unknown;
  /** Where inside the payload the value changed, e.g. `['items', 0, 'createdAt']`; empty when encode or decode threw. */
  readonly path: readonly PropertyKey[];
  /** The value there after validation, before encoding. */
  readonly before: unknown;
  /** The value there after decoding (`undefined` when encode or decode threw). */
  readonly after: unknown;
  readonly seed: number;
  /** fast-check's replay path: pass `{ seed, path: replayPath }` to run exactly this case again. */
  readonly replayPath: string;
  readonly stage: 'encode' | 'decode' | 'compare';

  constructor(message: string, details: Broken & { seed: number; replayPath: string }) {
    super('ROUND_TRIP_FAILED', message, { cause: details.error });
    this.counterexample = details.payload;
    this.path = details.path;
    this.before = details.before;
    this.after = details.after;
    this.seed = details.seed;
    this.replayPath = details.replayPath;
    this.stage = details.stage;
  }
}

/** Encodes and decodes one payload the way a producer and a consumer would; returns what broke. */
function tryOnce(
  event: EventType,
  payload: unknown,
  validated: unknown,
  tolerate: ReadonlySet<RoundTripTolerance>,
): Broken | undefined {
  const expected = tolerate.size === 0 ? validated : normalise(validated, tolerate);
  let wire: WireMessage;
  try {
    wire = event.encode(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^\[eventproof\] /, '') : String(error);
    const culprit = findUnencodable(expected);
    if (culprit) {
      return {
        payload,
        stage: 'encode',
        path: culprit.path,
        before: culprit.value,
        after: undefined,
        explanation: `${formatPath(culprit.path)}: ${describe(culprit.value)} could not be encoded (${reason})`,
        error,
      };
    }
    return {
      payload,
      stage: 'encode',
      path: [],
      before: expected,
      after: undefined,
      explanation: `encoding threw (${reason})`,
      error,
    };
  }
  let decoded: unknown;
  try {
    decoded = event.decode(wire);
  } catch (error) {
    // The contract refused its own message: show what the codec changed that made it refuse.
    let raw: unknown;
    try {
      raw = event.codec.decode(wire, { type: event.name }).payload;
    } catch {
      raw = undefined;
    }
    const diff = raw === undefined ? undefined : firstDifference(expected, raw);
    const refusal =
      error instanceof DecodeError && error.issues.length > 0
        ? `the contract then rejected it (${formatIssues(error.issues)})`
        : `decoding threw (${error instanceof Error ? error.message.replace(/^\[eventproof\] /, '') : String(error)})`;
    if (diff)
      return {
        payload,
        stage: 'decode',
        ...diff,
        explanation: `${explainDifference(diff)}, and ${refusal}`,
        error,
      };
    return { payload, stage: 'decode', path: [], before: expected, after: raw, explanation: refusal, error };
  }
  const diff = firstDifference(expected, decoded);
  return diff ? { payload, stage: 'compare', ...diff, explanation: explainDifference(diff) } : undefined;
}

/**
 * Proves a contract's payloads survive its codec: derives payloads from the schema with fast-check
 * (including the values JavaScript codecs break on: Date, BigInt, undefined vs missing, NaN, -0,
 * Map/Set, integers beyond 2^53, lone surrogates — whenever the schema admits them), encodes and
 * decodes each through the contract, and compares strictly with the validated payload. On failure
 * it throws {@link RoundTripError} with the smallest payload, the path that changed in plain words and
 * the `{ seed, path }` to replay it.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { checkRoundTrip, defineEvent } from 'eventproof';
 *
 * const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string(), createdAt: z.date() }));
 * checkRoundTrip(OrderCreated, { runs: 200 });
 * // throws RoundTripError: createdAt: Date 1970-01-01T00:00:00.000Z became string "1970-01-01T00:00:00.000Z" …
 * ```
 */
export function checkRoundTrip(event: EventType, options: RoundTripOptions = {}): RoundTripSummary {
  const runs = options.runs ?? 100;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new InvalidArgumentError(
      failure(
        `check the round trip of ${event.name}`,
        `runs must be a positive integer, got ${String(runs)}`,
        'Use e.g. { runs: 100 }',
      ),
    );
  }
  const arbitrary: fc.Arbitrary<unknown> = options.arbitrary ?? arbitraryForEvent(event);
  const tolerate = new Set(options.tolerate ?? []);

  const property = fc.property(arbitrary, (payload) => {
    const validated = event.validate(payload);
    fc.pre(validated.ok);
    return tryOnce(event, payload, validated.ok ? validated.value : undefined, tolerate) === undefined;
  });
  const result = fc.check(property, {
    numRuns: runs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });

  if (!result.failed) {
    return {
      event: event.name,
      codec: event.codec.name,
      runs: result.numRuns,
      skipped: result.numSkips,
      seed: result.seed,
    };
  }
  const thrown: unknown = result.errorInstance;
  if (result.counterexample === null) {
    // Failed without a counterexample: generation itself gave up (too many payloads the schema rejects) or threw.
    if (thrown instanceof EventproofError) throw thrown;
    throw new EventproofError(
      'UNSUPPORTED_SCHEMA',
      failure(
        `derive payloads for ${event.name}`,
        result.numSkips > 0
          ? `the schema rejected ${result.numSkips} of the generated payloads (refinements or formats eventproof cannot aim at)`
          : `generating payloads failed (${thrown instanceof Error ? thrown.message : 'unknown error'})`,
        'Pass your own fast-check arbitrary: checkRoundTrip(event, { arbitrary: fc.record({ … }) })',
      ),
      { cause: thrown },
    );
  }
  const [payload] = result.counterexample;
  const validated = event.validate(payload);
  const broken = tryOnce(event, payload, validated.ok ? validated.value : undefined, tolerate) ?? {
    payload,
    stage: 'compare' as const,
    path: [],
    before: payload,
    after: undefined,
    explanation: `the property failed (${thrown instanceof Error ? thrown.message : 'unknown error'})`,
    error: thrown,
  };
  const replay = `{ seed: ${result.seed}, path: ${JSON.stringify(result.counterexamplePath)} }`;
  // The house first line, then the details a reader needs to reproduce and fix it.
  const message = [
    failure(`round-trip ${event.name} through the ${event.codec.name} codec`, broken.explanation),
    `  Smallest payload: ${fc.stringify(payload)}`,
    `  Changed at: ${formatPath(broken.path)}`,
    `  Replay: checkRoundTrip(${event.name}, ${replay})`,
    `  Fix: ${hintFor(broken)}.`,
  ].join('\n');
  throw new RoundTripError(message, {
    ...broken,
    seed: result.seed,
    replayPath: result.counterexamplePath ?? '',
  });
}

/** What to do about the kinds of change codecs make. */
function hintFor(broken: Broken): string {
  const { before, after, stage } = broken;
  if (stage === 'encode')
    return 'Make the schema admit only what the codec can write (e.g. no BigInt in JSON), or choose a codec that can';
  if (before instanceof Date)
    return 'Carry dates as ISO strings (z.iso.datetime()) or coerce on decode (z.coerce.date()), or use a codec that keeps Dates';
  if (before instanceof Map || before instanceof Set)
    return 'Use plain objects and arrays in events, or convert Map/Set explicitly before encoding';
  if (typeof before === 'bigint') return 'Carry big integers as strings, or use a codec with 64-bit integers';
  if (Object.is(before, -0))
    return "JSON has no -0: forbid it in the schema, normalise it before publishing, or pass { tolerate: ['negative-zero'] }";
  if (typeof before === 'number' && !Number.isFinite(before))
    return 'JSON has no NaN or Infinity: forbid them in the schema (z.number() already does) or encode them as strings';
  if (before === undefined)
    return "JSON drops undefined properties: omit the field instead of setting undefined, make it nullable, or pass { tolerate: ['undefined-as-missing'] }";
  if (typeof before === 'string' && typeof after === 'string')
    return 'The codec changed the text (lone surrogates or invalid Unicode): restrict the string in the schema or encode it as bytes';
  return 'Make the codec preserve this value, or narrow the schema so producers cannot send it';
}

/** The first value no text codec can write (a BigInt, a function, a symbol), to name it in the failure. */
function findUnencodable(
  value: unknown,
  path: PropertyKey[] = [],
  seen = new Set<object>(),
): { path: PropertyKey[]; value: unknown } | undefined {
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol')
    return { path, value };
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  const entries: [PropertyKey, unknown][] =
    value instanceof Map
      ? [...value].map(([k, v]) => [`get(${describe(k)})`, v])
      : value instanceof Set
        ? [...value].map((v, i) => [i, v])
        : Object.entries(value);
  for (const [key, inner] of entries) {
    const found = findUnencodable(inner, [...path, Array.isArray(value) ? Number(key) : key], seen);
    if (found) return found;
  }
  return undefined;
}
