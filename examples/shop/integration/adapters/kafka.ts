import { Consumer, Producer, type Message } from '@platformatic/kafka';
import type { ShopEvent } from '../../src/events.js';
import type { Publisher } from '../../src/publisher.js';
import { decodeShopEvent, encodeShopEvent } from './wire.js';

/**
 * The shop's Publisher over @platformatic/kafka. The order id is the message key, so every event of
 * one order lands on one partition and is read in publish order. `send` resolves once the broker
 * acknowledged the write (the client's default acks), and the client retries transient errors.
 */
export class KafkaPublisher implements Publisher {
  private readonly producer: Producer;

  constructor(
    private readonly options: {
      readonly bootstrapBrokers: readonly string[];
      /** The Kafka topic a shop topic goes to. */
      readonly route: (topic: string) => string;
    },
  ) {
    this.producer = new Producer({
      clientId: 'shop-orders',
      bootstrapBrokers: [...options.bootstrapBrokers],
    });
  }

  async publish(
    topic: string,
    event: object,
    options?: { key?: string; headers?: Record<string, string> },
  ): Promise<void> {
    const wire = encodeShopEvent(event, options);
    await this.producer.send({
      messages: [
        {
          topic: this.options.route(topic),
          key: wire.key === undefined ? undefined : Buffer.from(wire.key),
          value: Buffer.from(wire.value),
          headers: new Map(Object.entries(wire.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
        },
      ],
    });
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

/**
 * Consumes a topic in a consumer group into a handler, committing each offset only after the
 * handler succeeded: a crash before the commit means the message is read again (at least once).
 * Messages of one partition are handled one after another, so per-order order holds.
 */
export async function consumeKafka(options: {
  readonly bootstrapBrokers: readonly string[];
  readonly groupId: string;
  readonly topic: string;
  readonly handle: (event: ShopEvent) => Promise<void>;
  readonly onError?: (error: unknown) => void;
}): Promise<{ close(): Promise<void> }> {
  const consumer = new Consumer({
    clientId: 'shop-order-handler',
    groupId: options.groupId,
    bootstrapBrokers: [...options.bootstrapBrokers],
    // Short fetch waits and heartbeats: a test-sized consumer that joins and reacts quickly.
    maxWaitTime: 50,
    heartbeatInterval: 500,
    sessionTimeout: 10_000,
  });
  const stream = await consumer.consume({ topics: [options.topic], mode: 'earliest', autocommit: false });
  let chain = Promise.resolve();
  stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
    chain = chain.then(async () => {
      try {
        const headers: Record<string, string> = {};
        for (const [k, v] of message.headers) headers[k.toString('utf8').toLowerCase()] = v.toString('utf8');
        await options.handle(decodeShopEvent(new Uint8Array(message.value), headers));
        await message.commit();
      } catch (error) {
        // An example-sized policy: report and move on. A production consumer would retry, then
        // write the message to a dead-letter topic before committing past it.
        options.onError?.(error);
      }
    });
  });
  return {
    async close() {
      await chain;
      await stream.close();
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    },
  };
}
