import type { EventType, Headers } from '../contracts/types.js';
import type { DeepPartial } from '../harness/types.js';
import type { EndpointSource } from './provision.js';

/**
 * What a broker guarantees on the destinations a probe creates by default (a Kafka topic, a
 * RabbitMQ queue, a standard SQS queue), declared so tests and scenarios adapt to capabilities
 * instead of branching on broker names.
 *
 * @example
 * ```ts
 * if (probe.capabilities.nativeDeadLetter) await probe.expect(queue.deadLetter!).toReceive(OrderCreated);
 * ```
 */
export interface ProbeCapabilities {
  /** Messages with the same key arrive in publish order (Kafka partitions, SQS FIFO groups). */
  readonly perKeyOrder: boolean;
  /** The broker moves rejected or expired messages to a dead-letter destination by itself. */
  readonly nativeDeadLetter: boolean;
  /** A redelivered message says how often it was delivered (SQS receive count, RabbitMQ x-death). */
  readonly redeliveryCount: boolean;
  /** Several consumers share the work of one subscription (Kafka groups, competing consumers). */
  readonly consumerGroups: boolean;
  /** Messages stay readable after they were consumed (a log). */
  readonly replayable: boolean;
  /** Per-message expiry (RabbitMQ TTL). */
  readonly messageTtl: boolean;
  /** The broker drops duplicates it has already seen (SQS FIFO deduplication). */
  readonly deduplication: boolean;
}

/**
 * A topic, queue or exchange that a probe created with an isolated name and deletes on dispose.
 *
 * @example
 * ```ts
 * const orders = await probe.topic('orders');
 * console.log(orders.logicalName, orders.name); // 'orders', 'ep-test-1a2b3c4d-orders'
 * ```
 */
export interface Destination {
  /** The name on the broker (prefixed, with a random suffix). */
  readonly name: string;
  /** The name the test asked for. */
  readonly logicalName: string;
  readonly kind: 'topic' | 'queue' | 'exchange';
}

/**
 * A message to publish as it is, without a contract.
 *
 * @example
 * ```ts
 * await probe.publish(orders, { value: 'not valid json', headers: { source: 'test' } });
 * ```
 */
export interface RawMessage {
  readonly value: Uint8Array | string;
  readonly key?: string | undefined;
  readonly headers?: Headers | undefined;
}

/**
 * One message a probe saw on a destination.
 *
 * @example
 * ```ts
 * const [message] = await probe.expect(orders).toReceive(OrderCreated);
 * console.log(message?.key, message?.properties['offset']);
 * ```
 */
export interface ReceivedMessage<Payload = unknown> {
  /** Name of the destination it was read from. */
  readonly destination: string;
  readonly key: string | undefined;
  readonly headers: Headers;
  readonly value: Uint8Array;
  /** The declared event type (`event-type` header), when the message declares one. */
  readonly eventType: string | undefined;
  /** The value as JSON when it parses, else as UTF-8 text. Contracts decode it in `toReceive`. */
  readonly payload: Payload;
  /** 1-based order of arrival on this destination. */
  readonly sequence: number;
  /** `Date.now()` when the probe received it. */
  readonly at: number;
  /** Broker facts: Kafka partition and offset, RabbitMQ redelivered and x-death, SQS receive count… */
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * Which messages count: a contract, a contract with a partial payload, key and headers, or a predicate.
 *
 * @example
 * ```ts
 * await probe.expect(orders).toReceive(OrderCreated);
 * await probe.expect(orders).toReceive({ event: OrderCreated, where: { orderId: '1' }, key: '1' });
 * await probe.expect(orders).toReceive((m) => m.payload === 'not valid json');
 * ```
 */
export type ReceiveMatch<Payload = unknown> =
  EventType<string, Payload, never> | ReceiveFilter<Payload> | ((message: ReceivedMessage) => boolean);

/**
 * The parts of a {@link ReceiveMatch} given as an object; every given part must hold.
 *
 * @example
 * ```ts
 * await probe.expect(orders).toReceive({ event: OrderCreated, where: (o) => o.amount > 100 });
 * ```
 */
export interface ReceiveFilter<Payload = unknown> {
  /** Decode through this contract; messages it cannot decode do not count. */
  readonly event?: EventType<string, Payload, never> | undefined;
  /** A deep partial of the payload (like `toMatchObject`) or a predicate over it. */
  readonly where?: DeepPartial<Payload> | ((payload: Payload) => boolean) | undefined;
  readonly key?: string | undefined;
  /** Headers that must be present with these values. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * Options of {@link DestinationExpectation.toReceive}.
 *
 * @example
 * ```ts
 * await probe.expect(orders).toReceive(OrderCreated, { count: 3, timeoutMs: 2000 });
 * ```
 */
export interface ReceiveOptions {
  /** How long to wait. Default 5000 ms. */
  readonly timeoutMs?: number | undefined;
  /**
   * How many matching messages. Default 1. Exactly this many: once they arrived, the probe waits
   * until it has read everything the broker holds for the destination and fails on extras.
   */
  readonly count?: number | undefined;
  /** Accept more than `count` without checking for extras. Default false. */
  readonly atLeast?: boolean | undefined;
}

/**
 * Options of {@link DestinationExpectation.toReceiveNothing}.
 *
 * @example
 * ```ts
 * await probe.expect(orders).toReceiveNothing({ withinMs: 300, match: OrderCreated });
 * ```
 */
export interface ReceiveNothingOptions {
  /** How long nothing (matching) may arrive. Default 500 ms. */
  readonly withinMs?: number | undefined;
  /** Only messages that match count; default every message. */
  readonly match?: ReceiveMatch | undefined;
}

/**
 * Assertions about what arrives on one destination; made by `probe.expect(destination)`.
 *
 * @example
 * ```ts
 * const arrivals = probe.expect(orders);
 * await arrivals.toReceive(OrderCreated);
 * await arrivals.toReceiveNothing({ withinMs: 200 });
 * ```
 */
export interface DestinationExpectation {
  /** Resolves with the matching messages; rejects with a `TimeoutError` listing near misses. */
  toReceive<Payload>(
    match: ReceiveMatch<Payload>,
    options?: ReceiveOptions,
  ): Promise<ReceivedMessage<Payload>[]>;
  /** Rejects with an `AssertionFailedError` when a (matching) message arrives within the window. */
  toReceiveNothing(options?: ReceiveNothingOptions): Promise<void>;
  /** Everything received on the destination so far, in arrival order. */
  received(): readonly ReceivedMessage[];
}

/**
 * Options of `probe.settled()`.
 *
 * @example
 * ```ts
 * await probe.settled({ timeoutMs: 5000 });
 * ```
 */
export interface SettleOptions {
  /** How long the broker may take to report settled. Default 10000 ms. */
  readonly timeoutMs?: number | undefined;
}

/**
 * One interface over Kafka, RabbitMQ and SQS: isolated destinations, publishing, assertions about
 * what arrives, settling on broker facts, and disposal of everything it created.
 *
 * @example
 * ```ts
 * async function flows(probe: BrokerProbe, orders: Destination) {
 *   await probe.publish(orders, OrderCreated, { orderId: '1', amount: 5 });
 *   await probe.expect(orders).toReceive(OrderCreated, { count: 1 });
 * }
 * ```
 */
export interface BrokerProbe<D extends Destination = Destination> extends AsyncDisposable {
  readonly broker: 'kafka' | 'rabbitmq' | 'sqs';
  /** The broker URL with any password redacted. */
  readonly url: string;
  readonly source: EndpointSource;
  readonly capabilities: ProbeCapabilities;
  /** Prefix of every name this probe creates, unique per probe. */
  readonly prefix: string;
  /** Publishes an event through its contract (validated and encoded by it). */
  publish<Input>(
    destination: D,
    event: EventType<string, unknown, Input>,
    payload: Input,
    options?: { key?: string; headers?: Headers },
  ): Promise<void>;
  /** Publishes bytes or text as they are. */
  publish(destination: D, message: RawMessage): Promise<void>;
  expect(destination: D): DestinationExpectation;
  /** Resolves once the broker reports nothing left to deliver or acknowledge; never sleeps blindly. */
  settled(options?: SettleOptions): Promise<void>;
  /** Deletes everything the probe created and closes its connections. Idempotent. */
  dispose(): Promise<void>;
}
