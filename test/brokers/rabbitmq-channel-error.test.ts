// A channel error used to end the RabbitMQ probe: amqplib emitted it on a channel nobody listened
// to, which closed the whole connection, so after one refused consume every publish and every
// observer failed with "Channel closed".
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rabbitmq, type RabbitMqProbe } from 'eventproof/rabbitmq';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { OrderCreated } from './events.js';
import { missingQueue } from './missing-queue.js';

const broker = await brokerUnderTest('rabbitmq');

describeWithBroker(broker, 'RabbitMQ probe after a channel error', () => {
  let probe: RabbitMqProbe;
  beforeAll(async () => {
    probe = await rabbitmq.probe({ url: broker.url, label: 'channel-error' });
  });
  afterAll(async () => {
    await probe.dispose();
  });

  const missing = (name: string) => missingQueue(probe, name);

  it('a refused consume fails its own assertion; publishing and the other observers go on', async () => {
    const orders = await probe.queue('orders');
    const both = probe.expect(orders).toReceive(OrderCreated, { count: 2, timeoutMs: 5000 });
    await probe.publish(orders, OrderCreated, { orderId: '1', amount: 1 });
    await expect(
      probe.expect(missing('nowhere')).toReceive(OrderCreated, { timeoutMs: 500 }),
    ).rejects.toThrow(/404 \(NOT-FOUND\)/);
    await probe.publish(orders, OrderCreated, { orderId: '2', amount: 2 });
    const received = await both;
    expect(received.map((m) => (m.payload as { orderId: string }).orderId)).toEqual(['1', '2']);
  });

  it('a declaration that clashes with the queue fails; the next calls work', async () => {
    const orders = await probe.queue('clash');
    await expect(probe.queue('clash', { messageTtlMs: 5 })).rejects.toThrow(/Failed to declare queue/);
    await probe.publish(orders, OrderCreated, { orderId: '3', amount: 3 });
    expect(await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000 })).toHaveLength(1);
    await probe.settled({ timeoutMs: 5000 });
  });
});
