import type { SqsProbeOptions } from './options.js';
import { SqsProbe } from './probe.js';

/**
 * Connects a probe to SQS (explicit URL, `EVENTPROOF_SQS_URL`, ElasticMQ on 127.0.0.1:9324, or
 * Testcontainers) with `@aws-sdk/client-sqs` as its client.
 *
 * @example
 * ```ts
 * await using probe = await sqsProbe();
 * const orders = await probe.queue('orders', { deadLetter: { maxReceiveCount: 2 } });
 * await probe.publish(orders, OrderCreated, { orderId: '123', amount: 100 });
 * await probe.expect(orders).toReceive(OrderCreated);
 * ```
 */
export function sqsProbe(options: SqsProbeOptions = {}): Promise<SqsProbe> {
  return SqsProbe.create(options);
}

/**
 * The SQS entry point: `sqs.probe()`.
 *
 * @example
 * ```ts
 * await using probe = await sqs.probe({ region: 'us-east-1' });
 * ```
 */
export const sqs = { probe: sqsProbe } as const;

export { SqsProbe };
export { sqsDriver, type SqsBrokerDriver } from './driver.js';
