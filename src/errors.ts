/**
 * Every error the public API throws is an {@link EventproofError}: a stable `code` to branch on, the
 * underlying `cause`, and a message written as `[eventproof] Failed to <action>: <reason>. <what to do>.`
 */

/** Stable identifiers of what went wrong; safe to branch on, never renamed within a major version. */
export type EventproofErrorCode =
  | 'DECODE_FAILED'
  | 'ENCODE_FAILED'
  | 'VALIDATION_FAILED'
  | 'INVALID_ARGUMENT'
  | 'MISSING_PEER_DEPENDENCY'
  | 'TIMEOUT'
  | 'ASSERTION_FAILED'
  | 'ROUND_TRIP_FAILED'
  | 'INCOMPATIBLE_SCHEMA'
  | 'UNSUPPORTED_SCHEMA'
  | 'INJECTED_FAILURE'
  | 'CLI_USAGE'
  | 'REPLAY_DIVERGED'
  | 'SIM_CONFIG'
  | 'SIM_UNKNOWN_TARGET'
  /** A simulation run that did not quiesce within its step budget: something keeps scheduling work. */
  | 'SIM_RUNAWAY'
  /** RabbitMQ model: an operation on a channel that was closed, crashed or closed by a channel error. */
  | 'SIM_CHANNEL_CLOSED'
  /** RabbitMQ model: a confirm channel's publish was nacked by the broker (a full reject-publish queue). */
  | 'SIM_PUBLISH_NACKED'
  | 'BROKER_UNAVAILABLE'
  | 'BROKER_OPERATION_FAILED';

export interface EventproofErrorOptions {
  cause?: unknown;
}

/**
 * The base class of every error eventproof throws.
 *
 * @example
 * ```ts
 * try {
 *   OrderCreated.decode(bytes);
 * } catch (error) {
 *   if (error instanceof EventproofError && error.code === 'DECODE_FAILED') sendToDeadLetter(bytes);
 * }
 * ```
 */
export class EventproofError extends Error {
  readonly code: EventproofErrorCode;

  constructor(code: EventproofErrorCode, message: string, options: EventproofErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Builds a message in the house form: `[eventproof] Failed to <action>: <reason>. <hint>.`
 * @internal
 */
export function failure(action: string, reason: string, hint?: string): string {
  const end = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
  return `[eventproof] Failed to ${action}: ${end(reason)}${hint ? ` ${end(hint)}` : ''}`;
}

/** Why a payload could not be decoded; each is a distinct poison-message cause. */
export type DecodeReason =
  | 'not-bytes'
  | 'invalid-utf8'
  | 'invalid-json'
  | 'invalid-envelope'
  | 'schema-violation'
  | 'unknown-type'
  | 'unsupported-version'
  | 'too-large'
  | 'codec-error';

/** One problem a validator reported, with the path into the payload where it applies. */
export interface SchemaIssue {
  readonly message: string;
  readonly path: readonly PropertyKey[];
}

export interface DecodeErrorDetails {
  readonly reason: DecodeReason;
  /** The bytes exactly as received (empty when the input was not bytes at all). */
  readonly raw: Uint8Array;
  /** The event type the decoder was working for, when known. */
  readonly eventType?: string | undefined;
  readonly issues?: readonly SchemaIssue[] | undefined;
  readonly cause?: unknown;
}

/**
 * A message that cannot become an event: the poison-message path. Carries the raw bytes so nothing
 * is lost when it is dead-lettered.
 *
 * @example
 * ```ts
 * expect(() => OrderCreated.decode(Buffer.from('not valid json'))).toThrow(DecodeError);
 * ```
 */
export class DecodeError extends EventproofError {
  readonly reason: DecodeReason;
  readonly raw: Uint8Array;
  readonly eventType: string | undefined;
  readonly issues: readonly SchemaIssue[];

  constructor(message: string, details: DecodeErrorDetails) {
    super('DECODE_FAILED', message, { cause: details.cause });
    this.reason = details.reason;
    this.raw = details.raw;
    this.eventType = details.eventType;
    this.issues = details.issues ?? [];
  }
}

/**
 * A payload given to `create` or `encode` that its schema rejects.
 *
 * @example
 * ```ts
 * expect(() => OrderCreated.create({ orderId: 42 })).toThrow(ValidationError);
 * ```
 */
export class ValidationError extends EventproofError {
  readonly eventType: string;
  readonly issues: readonly SchemaIssue[];

  constructor(message: string, eventType: string, issues: readonly SchemaIssue[]) {
    super('VALIDATION_FAILED', message);
    this.eventType = eventType;
    this.issues = issues;
  }
}

/**
 * Something awaited did not happen in time. `nearMisses` lists what did happen instead, nearest first.
 *
 * @example
 * ```ts
 * await expect(publisher.waitFor(OrderShipped, { timeoutMs: 50 })).rejects.toThrow(TimeoutError);
 * ```
 */
export class TimeoutError extends EventproofError {
  readonly timeoutMs: number;
  readonly nearMisses: readonly unknown[];

  constructor(message: string, timeoutMs: number, nearMisses: readonly unknown[] = []) {
    super('TIMEOUT', message);
    this.timeoutMs = timeoutMs;
    this.nearMisses = nearMisses;
  }
}

/**
 * A failed eventproof assertion, thrown by the runner-agnostic assertion functions (node:test, mocha,
 * plain scripts). `actual` and `expected` let runners draw a diff.
 *
 * @example
 * ```ts
 * assert.throws(() => assertPublished(publisher, OrderShipped), AssertionFailedError);
 * ```
 */
export class AssertionFailedError extends EventproofError {
  readonly actual: unknown;
  readonly expected: unknown;

  constructor(message: string, actual?: unknown, expected?: unknown) {
    super('ASSERTION_FAILED', message);
    this.actual = actual;
    this.expected = expected;
  }
}

/**
 * An argument or option that eventproof cannot work with.
 *
 * @example
 * ```ts
 * expect(() => defineEvent('', schema)).toThrow(InvalidArgumentError);
 * ```
 */
export class InvalidArgumentError extends EventproofError {
  constructor(message: string, options?: EventproofErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/**
 * An optional peer dependency (avsc, protobufjs, a broker client, a test runner) is not installed.
 *
 * @example
 * ```ts
 * // npm install avsc
 * ```
 */
export class MissingPeerDependencyError extends EventproofError {
  readonly packageName: string;

  constructor(packageName: string, feature: string, cause?: unknown) {
    super(
      'MISSING_PEER_DEPENDENCY',
      failure(
        `load ${packageName}`,
        `${feature} needs the optional peer dependency '${packageName}'`,
        `Install it with: npm install --save-dev ${packageName}`,
      ),
      { cause },
    );
    this.packageName = packageName;
  }
}

/**
 * The failure `failing(dependency, plan)` injects when the plan gives no error of its own.
 *
 * @example
 * ```ts
 * const inventory = failing(realInventory, { reserve: { fail: 2 } });
 * await expect(inventory.reserve('ABC', 2)).rejects.toThrow(InjectedFailureError);
 * ```
 */
export class InjectedFailureError extends EventproofError {
  /** `Inventory.reserve` */
  readonly method: string;
  /** 1-based number of the call that failed. */
  readonly call: number;

  constructor(message: string, method: string, call: number) {
    super('INJECTED_FAILURE', message);
    this.method = method;
    this.call = call;
  }
}

/**
 * A consumer handler that did not settle within `handlerTimeoutMs`: a hang, turned into a failure
 * that is retried like any other.
 *
 * @example
 * ```ts
 * const consumer = consumerHarness(handler, { events: [OrderCreated], handlerTimeoutMs: 50 });
 * await expect(consumer.receive(event)).rejects.toThrow(HandlerTimeoutError);
 * ```
 */
export class HandlerTimeoutError extends TimeoutError {
  readonly eventType: string;

  constructor(message: string, timeoutMs: number, eventType: string) {
    super(message, timeoutMs);
    this.eventType = eventType;
  }
}
