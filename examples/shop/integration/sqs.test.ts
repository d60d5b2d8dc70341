import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqs, type SqsProbe } from 'eventproof/sqs';
import { brokerUnderTest, describeWithBroker } from '../../../test/support/brokers.js';
import { OrderCreated } from '../src/events.js';
import { InMemoryInventory } from '../src/inventory.js';
import { OrderHandler } from '../src/order-handler.js';
import { OrderService } from '../src/order-service.js';
import { consumeSqs, SqsPublisher } from './adapters/sqs.js';
import { expectAllShipped, orderLifecycle } from './flow.js';

const broker = await brokerUnderTest('sqs');

describeWithBroker(broker, 'the shop on a real SQS (ElasticMQ)', () => {
  let probe: SqsProbe;
  beforeAll(async () => {
    probe = await sqs.probe({ url: broker.url, label: 'shop-sqs' });
  });
  afterAll(() => probe.dispose());

  it('Layer 4: createOrder publishes exactly one OrderCreated with the new order id', async () => {
    const orders = await probe.queue('orders');
    const publisher = new SqsPublisher({ client: probe.client, route: () => orders.url });
    const orderId = await new OrderService({ publisher }).createOrder({
      userId: 'u1',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      amount: 100,
    });
    const messages = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000, count: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.payload).toMatchObject({ orderId, userId: 'u1', amount: 100 });
  });

  it('created → paid → shipped for each order ends shipped and paid once in OrderHandler', async () => {
    // A standard queue: no order guarantee, so this also leans on OrderHandler's version and rank rules.
    const orders = await probe.queue('lifecycle');
    const publisher = new SqsPublisher({ client: probe.client, route: () => orders.url });
    const handler = new OrderHandler({ inventory: new InMemoryInventory({ 'SKU-1': 100 }) });
    const errors: unknown[] = [];
    const consumer = consumeSqs({
      client: probe.client,
      queueUrl: orders.url,
      handle: (e) => handler.handle(e),
      onError: (error) => errors.push(error),
    });
    try {
      const service = new OrderService({ publisher });
      const placed = [];
      for (let n = 0; n < 3; n++) placed.push(await orderLifecycle(service, n));
      // Broker facts: 0 visible, 0 in flight, 0 delayed: every message was handled and deleted.
      await probe.settled({ timeoutMs: 10_000 });
      expect(errors).toEqual([]);
      expectAllShipped(handler, placed);
    } finally {
      await consumer.close();
    }
  }, 15_000);
});
