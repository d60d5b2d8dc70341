import type { DecodeError } from '../errors.js';
import type { Headers } from '../contracts/types.js';

/** Which door a message came through: the publisher double or one of the client-shaped recorders. */
export type RecordedVia = 'publish' | 'kafka' | 'amqp' | 'sqs';

interface RecordBase {
  /** Kafka topic, AMQP exchange (or queue for the default exchange and `sendToQueue`), SQS queue URL. */
  readonly topic: string;
  /** Partition / ordering key: Kafka key, AMQP routing key, SQS MessageGroupId, or the contract's key. */
  readonly key: string | undefined;
  readonly headers: Headers;
  /** 1-based position among everything this publisher recorded since it was created or cleared. */
  readonly sequence: number;
  /** `Date.now()` when it was recorded. */
  readonly at: number;
  readonly via: RecordedVia;
  /** Client-specific facts that are not headers (AMQP properties, SQS deduplication id, …). */
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * One event that code under test published, decoded through its contract.
 *
 * @example
 * ```ts
 * const [first] = publisher.published;
 * if (first?.kind === 'event') console.log(first.event, first.topic, first.payload);
 * ```
 */
export interface PublishedEvent<Payload = unknown> extends RecordBase {
  readonly kind: 'event';
  /** The contract's name, e.g. `'OrderCreated'`. */
  readonly event: string;
  readonly payload: Payload;
}

/**
 * Bytes that code under test sent but no contract could decode: recorded, never dropped.
 *
 * @example
 * ```ts
 * expect(publisher.poison[0]?.error.reason).toBe('invalid-json');
 * ```
 */
export interface PoisonPublished extends RecordBase {
  readonly kind: 'poison';
  readonly event: undefined;
  readonly payload: undefined;
  readonly raw: Uint8Array;
  readonly error: DecodeError;
}

/** Everything a recording publisher keeps, in publish order. */
export type PublishedRecord = PublishedEvent | PoisonPublished;

/** A partial payload where every nested field is optional; asymmetric matchers fit anywhere. */
export type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Which payloads count: a deep partial object (like `toMatchObject`) or a predicate.
 *
 * @example
 * ```ts
 * expect(publisher).toHavePublished(OrderCreated, { items: [{ sku: 'ABC' }] });
 * expect(publisher).toHavePublished(OrderCreated, (order) => order.items.length > 1);
 * ```
 */
export type Where<Payload> =
  DeepPartial<Payload> | ((payload: Payload, record: PublishedEvent<Payload>) => boolean);

/** @internal The live list of records a matcher or `waitFor` reads; shared by a publisher and its recorders. */
export interface Recording {
  readonly label: string;
  records(): readonly PublishedRecord[];
  subscribe(listener: (record: PublishedRecord) => void): () => void;
}

/** @internal Where a publisher or recorder keeps its {@link Recording}. */
export const RECORDING: unique symbol = Symbol.for('eventproof.recording');

/** @internal */
export function recordingOf(target: unknown): Recording | undefined {
  if (
    (typeof target === 'object' || typeof target === 'function') &&
    target !== null &&
    RECORDING in target
  ) {
    return (target as { [RECORDING]: Recording })[RECORDING];
  }
  return undefined;
}
