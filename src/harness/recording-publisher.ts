import { toWireMessage, normaliseHeaders } from '../contracts/bytes.js';
import { contractOf } from '../contracts/define-event.js';
import { eventRegistry, type EventRegistry } from '../contracts/registry.js';
import type { EventType, Headers, PayloadOf } from '../contracts/types.js';
import { DecodeError, failure, InvalidArgumentError } from '../errors.js';
import { amqpRecorder, type AmqpChannelRecorder } from './recorders/amqp.js';
import { kafkaRecorder, type KafkaProducerRecorder } from './recorders/kafka.js';
import { sqsRecorder, type SqsClientRecorder } from './recorders/sqs.js';
import { describeType } from '../contracts/bytes.js';
import {
  RECORDING,
  type PoisonPublished,
  type PublishedEvent,
  type PublishedRecord,
  type RecordedVia,
  type Recording,
} from './types.js';
import { waitFor, type WaitForOptions } from './wait-for.js';

/**
 * @example
 * ```ts
 * recordingPublisher({ events: [OrderCreated, OrderShipped] });
 * ```
 */
export interface RecordingPublisherOptions {
  /**
   * The contracts code under test may publish. Needed to decode bytes sent through the recorders,
   * and to identify plain objects given to `publish` (payloads made by `create` identify themselves).
   */
  readonly events?: readonly EventType[];
}

/**
 * @example
 * ```ts
 * await publisher.publish('orders', event, { key: event.orderId, headers: { 'trace-id': 't1' } });
 * ```
 */
export interface PublishOptions {
  /** Partition / ordering key; defaults to the contract's `key(payload)`. */
  readonly key?: string;
  readonly headers?: Headers;
}

/**
 * What every recording view offers: the publisher itself and each of its recorders.
 *
 * @example
 * ```ts
 * const shipped = await producer.waitFor(OrderShipped, { where: { orderId: '1' } });
 * ```
 */
export interface RecordingView {
  /** Everything recorded, in order: decoded events and poison. */
  readonly published: readonly PublishedRecord[];
  /** Payloads of one event type, in publish order, typed by the contract. */
  of<E extends EventType>(type: E): PayloadOf<E>[];
  /** Resolves with the first matching event, published already or later; see {@link waitFor}. */
  waitFor<E extends EventType>(
    type: E,
    options?: WaitForOptions<PayloadOf<E>>,
  ): Promise<PublishedEvent<PayloadOf<E>>>;
  /** @internal */
  readonly [RECORDING]: Recording;
}

/**
 * A publisher double for code under test; see {@link recordingPublisher}.
 *
 * @example
 * ```ts
 * const publisher: RecordingPublisher = recordingPublisher({ events: [OrderCreated] });
 * await new OrderService(publisher).createOrder(input);
 * expect(publisher.of(OrderCreated)).toHaveLength(1);
 * ```
 */
export interface RecordingPublisher extends RecordingView {
  /** Records an event as published to `topic`. Rejects (and records poison) when no contract accepts it. */
  publish(topic: string, event: object, options?: PublishOptions): Promise<void>;
  /** Forgets everything recorded so far, here and in every recorder; sequence numbers restart at 1. */
  clear(): void;
  /** Poison entries only: bytes no contract could decode. */
  readonly poison: readonly PoisonPublished[];
  /** A kafkajs-shaped producer that records what is sent: `send`, `sendBatch`, `connect`, `disconnect`. */
  kafka(): KafkaProducerRecorder;
  /** An amqplib-shaped channel that records `publish` and `sendToQueue`. */
  amqp(): AmqpChannelRecorder;
  /** An AWS SDK v3 SQS-client-shaped object that records `SendMessageCommand` and `SendMessageBatchCommand`. */
  sqs(): SqsClientRecorder;
}

/** @internal What a recorder hands the publisher: one message as the client was asked to send it. */
export interface CapturedMessage {
  readonly topic: string;
  readonly value: unknown;
  readonly headers?: Record<string, unknown> | undefined;
  readonly key?: unknown;
  readonly properties?: Readonly<Record<string, unknown>>;
  /** A type the transport declares outside the headers (AMQP `type` property). */
  readonly declaredType?: string | undefined;
}

/** @internal The doorway recorders use: records bytes and offers a view of only their own records. */
export interface RecorderSink {
  capture(message: CapturedMessage): PublishedRecord;
  readonly view: RecordingView;
}

const keyText = (key: unknown): string | undefined => {
  if (key === undefined || key === null) return undefined;
  if (typeof key === 'string') return key;
  return key instanceof Uint8Array ? Buffer.from(key).toString('utf8') : JSON.stringify(key);
};

function viewOf(recording: Recording): RecordingView {
  return {
    [RECORDING]: recording,
    get published() {
      return recording.records();
    },
    of<E extends EventType>(type: E) {
      return recording
        .records()
        .filter((record) => record.kind === 'event' && record.event === type.name)
        .map((record) => record.payload as PayloadOf<E>);
    },
    waitFor: (type, options) => waitFor({ [RECORDING]: recording }, type, options),
  };
}

/**
 * A publisher double to inject into code under test. It records every event with its topic, key and
 * headers, decoded through the contracts, and its recorders capture what code sends through kafkajs,
 * amqplib and the AWS SQS client without importing any of them. Assert with the matchers
 * (`toHavePublished`, …), the `assert*` functions, or `waitFor`.
 *
 * @example
 * ```ts
 * const publisher = recordingPublisher({ events: [OrderCreated] });
 * const service = new OrderService({ publisher });
 * await service.createOrder({ userId: 'user1', items: [{ sku: 'ABC', quantity: 2 }] });
 * expect(publisher).toHavePublished(OrderCreated, { userId: 'user1' });
 *
 * // Code that talks kafkajs directly:
 * const producer = publisher.kafka();
 * await new KafkaOrderService({ producer }).createOrder(input);
 * expect(producer).toHavePublishedTimes(OrderCreated, 1);
 * ```
 */
export function recordingPublisher(options: RecordingPublisherOptions = {}): RecordingPublisher {
  const events = options.events ?? [];
  const registry: EventRegistry | undefined = events.length > 0 ? eventRegistry(events) : undefined;
  let records: PublishedRecord[] = [];
  const listeners = new Set<(record: PublishedRecord) => void>();
  const recorderViews = new Set<Set<PublishedRecord>>();

  const add = <R extends PublishedRecord>(record: R, owner?: Set<PublishedRecord>): R => {
    records.push(record);
    // Mark the owner before notifying, so a recorder's own waitFor sees the record as its own.
    owner?.add(record);
    for (const listener of [...listeners]) listener(record);
    return record;
  };

  const base = (
    topic: string,
    key: string | undefined,
    headers: Headers,
    via: RecordedVia,
    properties: Readonly<Record<string, unknown>>,
  ) => ({
    topic,
    key,
    headers,
    sequence: records.length + 1,
    at: Date.now(),
    via,
    properties,
  });

  const poison = (common: ReturnType<typeof base>, raw: Uint8Array, error: DecodeError): PoisonPublished => ({
    kind: 'poison',
    event: undefined,
    payload: undefined,
    ...common,
    raw,
    error,
  });

  const asDecodeError = (error: unknown, raw: Uint8Array): DecodeError =>
    error instanceof DecodeError
      ? error
      : new DecodeError(
          failure(
            'decode a published message',
            error instanceof Error ? error.message : String(error),
            'Check the contract codec and upcasters',
          ),
          {
            reason: 'codec-error',
            raw,
            cause: error,
          },
        );

  const captureBytes = (
    via: RecordedVia,
    message: CapturedMessage,
    owner: Set<PublishedRecord>,
  ): PublishedRecord => {
    const headers = normaliseHeaders(message.headers);
    const key = keyText(message.key);
    const common = base(message.topic, key, headers, via, message.properties ?? {});
    let raw: Uint8Array = new Uint8Array(0);
    try {
      const wire = toWireMessage(message.value, headers);
      raw = wire.value;
      if (!registry) throw new InvalidArgumentError('unreachable: recorders require events');
      const declared = message.declaredType === undefined ? undefined : registry.get(message.declaredType);
      const identified = declared
        ? { event: declared, payload: declared.decode(wire) }
        : registry.decode(wire);
      return add<PublishedEvent>(
        { kind: 'event', event: identified.event.name, payload: identified.payload, ...common },
        owner,
      );
    } catch (error) {
      return add(poison(common, raw, asDecodeError(error, raw)), owner);
    }
  };

  const recorderSink = (via: RecordedVia, label: string): RecorderSink => {
    if (!registry) {
      throw new InvalidArgumentError(
        failure(
          `create the ${label} recorder`,
          'recorders decode the bytes they capture through the contracts, and no events were given',
          'Pass them: recordingPublisher({ events: [OrderCreated, …] })',
        ),
      );
    }
    const mine = new Set<PublishedRecord>();
    recorderViews.add(mine);
    const view = viewOf({
      label: `the ${label} recorder`,
      records: () => records.filter((record) => mine.has(record)),
      subscribe(listener) {
        const own = (record: PublishedRecord) => {
          if (mine.has(record)) listener(record);
        };
        listeners.add(own);
        return () => listeners.delete(own);
      },
    });
    return {
      view,
      capture: (message) => captureBytes(via, message, mine),
    };
  };

  const identify = (event: object): EventType | undefined => {
    const made = contractOf(event);
    if (made) return made;
    const candidates = events.filter((type) => type.schema.validate(event).ok);
    if (candidates.length <= 1) return candidates[0];
    const declared = ['type', 'eventType', 'messageType', 'eventName', 'kind']
      .map((field) => (event as Record<string, unknown>)[field])
      .find(
        (value): value is string =>
          typeof value === 'string' && candidates.some((type) => type.name === value),
      );
    return declared === undefined ? undefined : candidates.find((type) => type.name === declared);
  };

  const publisherRecording: Recording = {
    label: 'the recording publisher',
    records: () => records,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const view = viewOf(publisherRecording);
  const publisher: RecordingPublisher = {
    [RECORDING]: publisherRecording,
    get published() {
      return records;
    },
    of: (type) => view.of(type),
    waitFor(type, waitOptions) {
      return waitFor(publisher, type, waitOptions);
    },
    get poison() {
      return records.filter((record): record is PoisonPublished => record.kind === 'poison');
    },
    publish(topic: string, event: object, publishOptions: PublishOptions = {}): Promise<void> {
      if (typeof topic !== 'string' || topic === '') {
        return Promise.reject(
          new InvalidArgumentError(
            failure(
              'publish an event',
              `the topic must be a non-empty string, got ${describeType(topic)}`,
              'Call publish(topic, event, { key, headers })',
            ),
          ),
        );
      }
      const headers = normaliseHeaders(publishOptions.headers);
      const type = identify(event);
      const raw = (() => {
        try {
          return new TextEncoder().encode(JSON.stringify(event) ?? '');
        } catch {
          return new Uint8Array(0);
        }
      })();
      if (!type) {
        const known = events.map((e) => e.name).join(', ') || '(none were given)';
        const error = new DecodeError(
          failure(
            'publish an event',
            `the payload was not made by a contract's create() and matches none of the known events: ${known}`,
            'Build it with OrderCreated.create({...}), or pass its contract in recordingPublisher({ events })',
          ),
          { reason: 'unknown-type', raw },
        );
        add(poison(base(topic, publishOptions.key, headers, 'publish', {}), raw, error));
        return Promise.reject(error);
      }
      // Validate again: the payload may have been mutated since create(), and a real publisher would refuse it.
      const result = type.validate(event);
      if (!result.ok) {
        const error = new DecodeError(
          failure(
            `publish ${type.name}`,
            `the payload no longer matches its schema (${result.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')})`,
            'Do not mutate events after create()',
          ),
          { reason: 'schema-violation', raw, eventType: type.name, issues: result.issues },
        );
        add(poison(base(topic, publishOptions.key, headers, 'publish', {}), raw, error));
        return Promise.reject(error);
      }
      const key = publishOptions.key ?? type.keyOf(result.value);
      add<PublishedEvent>({
        kind: 'event',
        event: type.name,
        payload: result.value,
        ...base(topic, key, headers, 'publish', {}),
      });
      return Promise.resolve();
    },
    clear() {
      records = [];
      for (const view of recorderViews) view.clear();
    },
    kafka: () => kafkaRecorder(recorderSink('kafka', 'kafka')),
    amqp: () => amqpRecorder(recorderSink('amqp', 'amqp')),
    sqs: () => sqsRecorder(recorderSink('sqs', 'sqs')),
  };
  return publisher;
}
