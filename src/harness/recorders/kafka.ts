import { failure, InvalidArgumentError } from '../../errors.js';
import type { RecorderSink, RecordingView } from '../recording-publisher.js';

/** A message as kafkajs `producer.send` takes it. */
export interface KafkaMessageLike {
  readonly key?: Uint8Array | string | null;
  readonly value: Uint8Array | string | null;
  readonly headers?: Record<string, Uint8Array | string | readonly (Uint8Array | string)[] | undefined>;
  readonly partition?: number;
  readonly timestamp?: string;
}

/** The argument of kafkajs `producer.send`. */
export interface KafkaProducerRecordLike {
  readonly topic: string;
  readonly messages: readonly KafkaMessageLike[];
  readonly acks?: number;
  readonly timeout?: number;
  readonly compression?: unknown;
}

/** What kafkajs `send` resolves with: one entry per topic-partition written. */
export interface KafkaRecordMetadata {
  readonly topicName: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly baseOffset: string;
  readonly logAppendTime: string;
  readonly logStartOffset: string;
}

/**
 * A kafkajs-shaped producer that records instead of sending. Pass it wherever code expects
 * `kafka.producer()`; the messages are decoded through the publisher's contracts.
 *
 * @example
 * ```ts
 * const producer = recordingPublisher({ events: [OrderCreated] }).kafka();
 * await new KafkaOrderService(producer).createOrder(input);
 * expect(producer).toHavePublished(OrderCreated);
 * ```
 */
export interface KafkaProducerRecorder extends RecordingView {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: KafkaProducerRecordLike): Promise<KafkaRecordMetadata[]>;
  sendBatch(batch: {
    readonly topicMessages?: readonly KafkaProducerRecordLike[];
  }): Promise<KafkaRecordMetadata[]>;
}

/** @internal */
export function kafkaRecorder(sink: RecorderSink): KafkaProducerRecorder {
  const nextOffset = new Map<string, number>();

  const write = (record: KafkaProducerRecordLike): KafkaRecordMetadata[] => {
    const messages: unknown = record?.messages;
    if (typeof record?.topic !== 'string' || !Array.isArray(messages)) {
      throw new InvalidArgumentError(
        failure(
          'record a kafka send',
          'it needs { topic, messages: [...] }',
          "Call producer.send({ topic: 'orders', messages: [{ key, value, headers }] })",
        ),
      );
    }
    const written = new Map<number, number>();
    for (const message of record.messages) {
      const partition = message.partition ?? 0;
      const slot = `${record.topic}\u0000${partition}`;
      const offset = nextOffset.get(slot) ?? 0;
      nextOffset.set(slot, offset + 1);
      if (!written.has(partition)) written.set(partition, offset);
      sink.capture({
        topic: record.topic,
        value: message.value,
        headers: message.headers,
        key: message.key,
        properties: {
          partition,
          offset: String(offset),
          ...(message.timestamp === undefined ? {} : { timestamp: message.timestamp }),
        },
      });
    }
    return [...written].map(([partition, baseOffset]) => ({
      topicName: record.topic,
      partition,
      errorCode: 0,
      baseOffset: String(baseOffset),
      logAppendTime: '-1',
      logStartOffset: '0',
    }));
  };

  const view = sink.view;
  return {
    ...view,
    get published() {
      return view.published;
    },
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    // Executors turn a thrown InvalidArgumentError into a rejection, as the real client would.
    send: (record) => new Promise((resolve) => resolve(write(record))),
    sendBatch: (batch) => new Promise((resolve) => resolve((batch?.topicMessages ?? []).flatMap(write))),
  };
}
