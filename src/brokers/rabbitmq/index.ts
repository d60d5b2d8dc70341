import type { RabbitMqProbeOptions } from './options.js';
import { RabbitMqProbe } from './probe.js';

/**
 * Connects a probe to a real RabbitMQ (explicit URL, `EVENTPROOF_RABBITMQ_URL`,
 * amqp://guest:guest@127.0.0.1:5672, or Testcontainers) with amqplib as its client.
 *
 * @example
 * ```ts
 * await using probe = await rabbitmqProbe();
 * const orders = await probe.queue('orders', { deadLetter: true });
 * await probe.publish(orders, OrderCreated, { orderId: '123', amount: 100 });
 * await probe.expect(orders).toReceive(OrderCreated);
 * ```
 */
export function rabbitmqProbe(options: RabbitMqProbeOptions = {}): Promise<RabbitMqProbe> {
  return RabbitMqProbe.create(options);
}

/**
 * The RabbitMQ entry point: `rabbitmq.probe()`.
 *
 * @example
 * ```ts
 * await using probe = await rabbitmq.probe({ label: 'billing' });
 * ```
 */
export const rabbitmq = { probe: rabbitmqProbe } as const;

export { RabbitMqProbe };
export { rabbitMqDriver, type RabbitMqDriverOptions } from './driver.js';
