import { afterAll, beforeAll, expect, it } from 'vitest';
import { kafka, type KafkaProbe } from 'eventproof/kafka';
import { brokerUnderTest, describeWithBroker } from '../../../test/support/brokers.js';
import { OrderCreated } from '../src/events.js';
import { InMemoryInventory } from '../src/inventory.js';
import { OrderHandler } from '../src/order-handler.js';
import { OrderService } from '../src/order-service.js';
import { consumeKafka, KafkaPublisher } from './adapters/kafka.js';
import { expectAllShipped, orderLifecycle } from './flow.js';

const broker = await brokerUnderTest('kafka');

describeWithBroker(broker, 'the shop on a real Kafka', () => {
  let probe: KafkaProbe;
  let publisher: KafkaPublisher;
  beforeAll(async () => {
    probe = await kafka.probe({ url: broker.url, label: 'shop-kafka' });
  });
  afterAll(async () => {
    await publisher?.close();
    await probe.dispose();
  });

  it('Layer 4: createOrder publishes exactly one OrderCreated, keyed by the new order id', async () => {
    const orders = await probe.topic('orders');
    publisher = new KafkaPublisher({ bootstrapBrokers: probe.bootstrapBrokers, route: () => orders.name });
    const orderId = await new OrderService({ publisher }).createOrder({
      userId: 'u1',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      amount: 100,
    });
    const messages = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000, count: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.payload).toMatchObject({ orderId, userId: 'u1', amount: 100 });
    expect(messages[0]?.key).toBe(orderId);
  });

  it('created → paid → shipped for each order ends shipped and paid once in OrderHandler', async () => {
    const orders = await probe.topic('lifecycle', { partitions: 2 });
    const lifecycle = new KafkaPublisher({
      bootstrapBrokers: probe.bootstrapBrokers,
      route: () => orders.name,
    });
    const handler = new OrderHandler({ inventory: new InMemoryInventory({ 'SKU-1': 100 }) });
    const errors: unknown[] = [];
    const group = `${probe.prefix}-order-handler`;
    const consumer = await consumeKafka({
      bootstrapBrokers: probe.bootstrapBrokers,
      groupId: group,
      topic: orders.name,
      handle: (e) => handler.handle(e),
      onError: (error) => errors.push(error),
    });
    try {
      const service = new OrderService({ publisher: lifecycle });
      const placed = [];
      for (let n = 0; n < 3; n++) placed.push(await orderLifecycle(service, n));
      // Broker facts: the handler's group has committed up to the end of both partitions.
      await probe.settled({ groups: [group], topics: [orders], timeoutMs: 10_000 });
      expect(errors).toEqual([]);
      expectAllShipped(handler, placed);
    } finally {
      await consumer.close();
      await lifecycle.close();
    }
  }, 15_000);
});
