import type { KafkaProbeOptions } from './options.js';
import { KafkaProbe } from './probe.js';

/**
 * Connects a probe to a real Kafka (explicit URL, `EVENTPROOF_KAFKA_URL`, 127.0.0.1:9092, or
 * Testcontainers) with `@platformatic/kafka` as the probe's own client.
 *
 * @example
 * ```ts
 * await using probe = await kafkaProbe();
 * const orders = await probe.topic('orders');
 * await probe.publish(orders, OrderCreated, { orderId: '123', amount: 100 });
 * const [message] = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000 });
 * ```
 */
export function kafkaProbe(options: KafkaProbeOptions = {}): Promise<KafkaProbe> {
  return KafkaProbe.create(options);
}

/**
 * The Kafka entry point: `kafka.probe()`.
 *
 * @example
 * ```ts
 * await using probe = await kafka.probe({ label: 'orders' });
 * ```
 */
export const kafka = { probe: kafkaProbe } as const;

export { KafkaProbe };
export { kafkaDriver, type KafkaDriverOptions } from './driver.js';
