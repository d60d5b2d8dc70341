import type { Layer, Scenario } from '../../model.js';

export { TITLE_E2E, TITLE_SCENARIOS } from '../../titles.js';

// Maps, not object literals: a call to `toString` must not find Object.prototype.toString.
const table = <T>(entries: Record<string, T>): ReadonlyMap<string, T> => new Map(Object.entries(entries));

/**
 * What a call inside a test says about its layer and scenarios. Names are the last segment of the
 * callee (`publisher.toHavePublished` → `toHavePublished`).
 */
export interface CallMeaning {
  readonly layer?: Layer;
  readonly strength?: 'full' | 'partial';
  readonly scenario?: Scenario;
  /** The call is itself an assertion (throws when the property does not hold). */
  readonly asserts?: boolean;
  /** Half of a serialization round trip. */
  readonly direction?: 'encode' | 'decode';
}

export const CALLS: ReadonlyMap<string, CallMeaning> = table<CallMeaning>({
  // eventproof: Layer 1
  checkRoundTrip: { layer: 'serialization', strength: 'full', asserts: true },
  checkCompatibility: { layer: 'serialization', strength: 'full', asserts: true },
  // eventproof: Layer 2
  recordingPublisher: { layer: 'producer', strength: 'partial' },
  toHavePublished: { layer: 'producer', strength: 'full', asserts: true },
  toHavePublishedTimes: { layer: 'producer', strength: 'full', asserts: true },
  toHavePublishedNothing: { layer: 'producer', strength: 'full', asserts: true },
  toHavePublishedInOrder: { layer: 'producer', strength: 'full', asserts: true, scenario: 'ordering' },
  assertPublished: { layer: 'producer', strength: 'full', asserts: true },
  assertPublishedTimes: { layer: 'producer', strength: 'full', asserts: true },
  assertPublishedNothing: { layer: 'producer', strength: 'full', asserts: true },
  assertPublishedInOrder: { layer: 'producer', strength: 'full', asserts: true, scenario: 'ordering' },
  // eventproof: Layer 3
  consumerHarness: { layer: 'consumer', strength: 'partial' },
  failing: { scenario: 'partial-failure' },
  runRetries: { scenario: 'partial-failure' },
  // eventproof: scenarios and Layer 4 (later releases; recognised already)
  expectIdempotent: { layer: 'consumer', strength: 'full', asserts: true, scenario: 'idempotency' },
  expectOrdered: { layer: 'consumer', strength: 'full', asserts: true, scenario: 'ordering' },
  expectConvergent: { layer: 'consumer', strength: 'full', asserts: true, scenario: 'out-of-order' },
  expectNoLoss: { layer: 'consumer', strength: 'full', asserts: true, scenario: 'partial-failure' },
  expectPoisonDeadLettered: { layer: 'consumer', strength: 'full', asserts: true, scenario: 'poison' },
  expectReplayEquivalent: { layer: 'consumer', strength: 'full', asserts: true, scenario: 'replay' },
  toReceive: { layer: 'e2e', strength: 'full', asserts: true },
  toReceiveNothing: { layer: 'e2e', strength: 'full', asserts: true },
  // hand-written round trips
  encode: { direction: 'encode' },
  serialize: { direction: 'encode' },
  serialise: { direction: 'encode' },
  toJSON: { direction: 'encode' },
  toBuffer: { direction: 'encode' },
  toBinary: { direction: 'encode' },
  marshal: { direction: 'encode' },
  toWire: { direction: 'encode' },
  decode: { direction: 'decode' },
  deserialize: { direction: 'decode' },
  deserialise: { direction: 'decode' },
  fromJSON: { direction: 'decode' },
  fromJson: { direction: 'decode' },
  fromBuffer: { direction: 'decode' },
  fromBinary: { direction: 'decode' },
  unmarshal: { direction: 'decode' },
  fromWire: { direction: 'decode' },
  // schema validation only: one direction of Layer 1
  safeParse: { layer: 'serialization', strength: 'partial' },
  safeParseAsync: { layer: 'serialization', strength: 'partial' },
  parseAsync: { layer: 'serialization', strength: 'partial' },
  // consumers driven by hand
  handle: { layer: 'consumer', strength: 'full' },
  handleEvent: { layer: 'consumer', strength: 'full' },
  handleMessage: { layer: 'consumer', strength: 'full' },
  onMessage: { layer: 'consumer', strength: 'full' },
  onEvent: { layer: 'consumer', strength: 'full' },
  processMessage: { layer: 'consumer', strength: 'full' },
  processEvent: { layer: 'consumer', strength: 'full' },
  eachMessage: { layer: 'consumer', strength: 'full' },
  eachBatch: { layer: 'consumer', strength: 'full' },
  consume: { layer: 'consumer', strength: 'full' },
  receive: { layer: 'consumer', strength: 'full' },
  // mocks failing on purpose
  mockRejectedValue: { scenario: 'partial-failure' },
  mockRejectedValueOnce: { scenario: 'partial-failure' },
});

/** Methods whose `toHaveBeenCalled*` assertion means "the producer published". */
export const PUBLISH_METHODS =
  /\b(publish\w*|send\w*|emit|produce|dispatch|sendToQueue|xadd|xAdd|add|put\w*Events?)\b/;

/** Property names that reveal a scenario when a test reads them. */
export const PROPERTIES: ReadonlyMap<string, Scenario> = table<Scenario>({
  retryQueue: 'partial-failure',
  deadLetterQueue: 'poison',
  deadLetters: 'poison',
  dlq: 'poison',
  timeoutMs: 'timeouts',
  delayMs: 'timeouts',
});

/** Identifiers that reveal a scenario. */
export const IDENTIFIERS: ReadonlyMap<string, Scenario> = table<Scenario>({
  DecodeError: 'poison',
  TimeoutError: 'timeouts',
  HandlerTimeoutError: 'timeouts',
  InjectedFailureError: 'partial-failure',
});

/** Strings that reveal a scenario: `'hang'` in a `failing()` plan. */
export const STRINGS: ReadonlyMap<string, Scenario> = table<Scenario>({
  hang: 'timeouts',
  'not valid json': 'poison',
});

/** Calls that assert: `expect(…)`, `assert.equal(…)`, ava's `t.is(…)`, chai/should. */
export const ASSERT_ROOTS = new Set(['expect', 'assert', 'should', 'expectTypeOf']);
export const AVA_ASSERTIONS = new Set([
  'is',
  'not',
  'deepEqual',
  'notDeepEqual',
  'like',
  'true',
  'false',
  'truthy',
  'falsy',
  'throws',
  'throwsAsync',
  'notThrows',
  'notThrowsAsync',
  'regex',
  'snapshot',
  'pass',
  'fail',
  'assert',
]);
