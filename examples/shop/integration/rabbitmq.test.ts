import { afterAll, beforeAll, expect, it } from 'vitest';
import { faultProxy, rabbitmq, type RabbitMqProbe } from 'eventproof/rabbitmq';
import { brokerUnderTest, describeWithBroker } from '../../../test/support/brokers.js';
import { OrderCreated } from '../src/events.js';
import { InMemoryInventory } from '../src/inventory.js';
import { OrderHandler } from '../src/order-handler.js';
import { OrderService } from '../src/order-service.js';
import { consumeRabbitMq, RabbitMqPublisher } from './adapters/rabbitmq.js';
import { expectAllShipped, orderLifecycle } from './flow.js';

const broker = await brokerUnderTest('rabbitmq');

describeWithBroker(broker, 'the shop on a real RabbitMQ', () => {
  let probe: RabbitMqProbe;
  beforeAll(async () => {
    probe = await rabbitmq.probe({ url: broker.url, label: 'shop-rabbit' });
  });
  afterAll(() => probe.dispose());

  it('Layer 4: createOrder publishes exactly one OrderCreated with the new order id', async () => {
    const orders = await probe.queue('orders');
    const publisher = new RabbitMqPublisher({ url: probe.amqpUrl, route: () => orders.name });
    try {
      const orderId = await new OrderService({ publisher }).createOrder({
        userId: 'u1',
        items: [{ sku: 'SKU-1', quantity: 2 }],
        amount: 100,
      });
      const messages = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000, count: 1 });
      expect(messages).toHaveLength(1);
      expect(messages[0]?.payload).toMatchObject({ orderId, userId: 'u1', amount: 100 });
    } finally {
      await publisher.close();
    }
  });

  it('created → paid → shipped for each order ends shipped and paid once in OrderHandler', async () => {
    const orders = await probe.queue('lifecycle');
    const publisher = new RabbitMqPublisher({ url: probe.amqpUrl, route: () => orders.name });
    const handler = new OrderHandler({ inventory: new InMemoryInventory({ 'SKU-1': 100 }) });
    const consumer = await consumeRabbitMq({
      url: probe.amqpUrl,
      queue: orders.name,
      handle: (e) => handler.handle(e),
    });
    try {
      const service = new OrderService({ publisher });
      const placed = [];
      for (let n = 0; n < 3; n++) placed.push(await orderLifecycle(service, n));
      // Broker facts: nothing ready, nothing unacknowledged on the queue.
      await probe.settled({ timeoutMs: 8000 });
      expectAllShipped(handler, placed);
    } finally {
      await consumer.close();
      await publisher.close();
    }
  }, 12_000);

  it('RabbitMQ down mid-flow: the publisher reconnects and every order arrives, none lost, none doubled', async () => {
    const orders = await probe.queue('outage');
    await using proxy = await faultProxy({ upstream: probe.amqpUrl });
    // Resolves once the publisher has failed (and will retry) three times: the outage lasts until
    // the shop has felt it, not for a guessed number of milliseconds.
    let retries = 0;
    let felt!: () => void;
    const outageFelt = new Promise<void>((resolve) => (felt = resolve));
    // The shop's whole path goes through the proxy: its publisher and its consumer both lose the broker.
    const publisher = new RabbitMqPublisher({
      url: proxy.url(probe.amqpUrl),
      route: () => orders.name,
      onRetry: () => {
        if (++retries === 3) felt();
      },
    });
    let reconnects = 0;
    let deliveries = 0;
    const handler = new OrderHandler({ inventory: new InMemoryInventory({ 'SKU-1': 1000 }) });
    const consumer = await consumeRabbitMq({
      url: proxy.url(probe.amqpUrl),
      queue: orders.name,
      handle: (e) => {
        deliveries++;
        return handler.handle(e);
      },
      onReconnect: () => reconnects++,
    });
    try {
      const service = new OrderService({ publisher });
      const placed: { orderId: string; amount: number }[] = [];
      for (let n = 0; n < 4; n++) placed.push(await orderLifecycle(service, n));
      // Down: the proxy refuses connections and closes the open ones, while four orders are placed.
      let during!: Promise<{ orderId: string; amount: number }[]>;
      await proxy.with({ type: 'down' }, async () => {
        during = Promise.all([4, 5, 6, 7].map((n) => orderLifecycle(service, n)));
        // A publisher that gives up instead of retrying fails here with its error, not by timeout.
        await Promise.race([outageFelt, during]);
      });
      // Back up: the orders placed during the outage complete, and the shop carries on.
      placed.push(...(await during));
      for (let n = 8; n < 12; n++) placed.push(await orderLifecycle(service, n));
      await probe.settled({ timeoutMs: 10_000 });

      expect(retries, 'the outage was felt by the publisher').toBeGreaterThanOrEqual(3);
      expect(reconnects, 'the consumer lost its connection and came back').toBeGreaterThan(0);
      // Both of the shop's connections, the publisher's and the consumer's, were cut.
      expect(proxy.stats().cut).toBeGreaterThanOrEqual(2);
      // Four events per order (created, payment, paid, shipped); a republish or redelivery adds more,
      // and OrderHandler's idempotency makes them harmless.
      expect(deliveries).toBeGreaterThanOrEqual(placed.length * 4);
      expectAllShipped(handler, placed);
    } finally {
      await consumer.close();
      await publisher.close();
    }
  }, 15_000);
});
