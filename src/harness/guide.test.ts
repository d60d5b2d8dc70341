// The examples of docs/harness.md, executed. Each `#region name` is shown verbatim in the guide;
// guide-drift.test.ts fails when the two disagree.
import { describe, expect, it } from 'vitest';
import 'eventproof/vitest';
import { z } from 'zod';
import {
  assertPublished,
  assertPublishedInOrder,
  assertPublishedNothing,
  assertPublishedTimes,
  callsOf,
  consumerHarness,
  defineEvent,
  failing,
  recordingPublisher,
  type DeadLetterEntry,
  type PayloadOf,
} from 'eventproof';

// #region contracts
const OrderCreated = defineEvent(
  'OrderCreated',
  z.object({
    orderId: z.string(),
    userId: z.string(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })),
  }),
  { key: (order) => order.orderId },
);
const OrderShipped = defineEvent('OrderShipped', z.object({ orderId: z.string(), carrier: z.string() }));
// #endregion contracts

// #region service
interface Publisher {
  publish(topic: string, event: object, options?: { key?: string }): Promise<void>;
}

class OrderService {
  #next = 1;
  constructor(private readonly publisher: Publisher) {}

  async createOrder(input: { userId: string; items: { sku: string; quantity: number }[] }) {
    if (input.items.length === 0) throw new Error('an order needs items');
    const orderId = String(this.#next++);
    await this.publisher.publish('orders', OrderCreated.create({ orderId, ...input }));
    return orderId;
  }

  async ship(orderId: string, carrier: string) {
    await this.publisher.publish('shipping', OrderShipped.create({ orderId, carrier }));
  }
}
// #endregion service

class InventoryError extends Error {}

class Inventory {
  readonly reserved: string[] = [];
  async reserve(sku: string, quantity: number): Promise<void> {
    await Promise.resolve();
    this.reserved.push(`${sku}×${quantity}`);
  }
}

class OrderHandler {
  constructor(private readonly deps: { inventory: Inventory }) {}
  async handle(order: PayloadOf<typeof OrderCreated>): Promise<void> {
    for (const item of order.items) {
      await this.deps.inventory.reserve(item.sku, item.quantity);
    }
  }
}

const items = [{ sku: 'ABC', quantity: 2 }];
const inventory = new Inventory();

describe('docs/harness.md', () => {
  it('publisher double', async () => {
    // #region publisher
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const service = new OrderService(publisher);

    await service.createOrder({ userId: 'user1', items: [{ sku: 'ABC', quantity: 2 }] });

    expect(publisher).toHavePublished(OrderCreated, { userId: 'user1' });
    expect(publisher).toHavePublishedTimes(OrderCreated, 1);
    expect(publisher.of(OrderCreated)[0]?.items).toEqual([{ sku: 'ABC', quantity: 2 }]);
    expect(publisher.published[0]).toMatchObject({ topic: 'orders', event: 'OrderCreated', key: '1' });
    // #endregion publisher
  });

  it('waitFor', async () => {
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const service = new OrderService(publisher);
    // #region waitFor
    setTimeout(() => void service.ship('1', 'ups'), 10); // published later, e.g. by a background job

    const shipped = await publisher.waitFor(OrderShipped, { where: { orderId: '1' }, timeoutMs: 500 });
    expect(shipped.payload.carrier).toBe('ups');
    // #endregion waitFor
  });

  it('kafka recorder', async () => {
    // #region kafka
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const producer = publisher.kafka(); // pass it where your code expects kafka.producer()

    await producer.connect();
    const { value, headers } = OrderCreated.encode(
      OrderCreated.create({ orderId: '1', userId: 'user1', items }),
    );
    await producer.send({ topic: 'orders', messages: [{ key: '1', value: Buffer.from(value), headers }] });
    await producer.send({ topic: 'orders', messages: [{ value: 'not valid json' }] });

    expect(producer).toHavePublished(OrderCreated, { orderId: '1' });
    expect(publisher.poison).toHaveLength(1);
    expect(publisher.poison[0]?.error.reason).toBe('invalid-json');
    // #endregion kafka
  });

  it('amqp recorder', () => {
    // #region amqp
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const channel = publisher.amqp(); // pass it where your code expects an amqplib channel

    const body = Buffer.from(JSON.stringify(OrderShipped.create({ orderId: '1', carrier: 'ups' })));
    channel.publish('orders', 'order.shipped', body, { type: 'OrderShipped', messageId: 'm-1' });
    channel.sendToQueue('audit', body, { headers: { 'event-type': 'OrderShipped' } });

    expect(channel).toHavePublishedTimes(OrderShipped, 2);
    expect(channel.published.map((r) => [r.topic, r.key])).toEqual([
      ['orders', 'order.shipped'],
      ['audit', undefined],
    ]);
    // #endregion amqp
  });

  it('sqs recorder', async () => {
    class SendMessageCommand {
      constructor(readonly input: object) {}
    }
    // #region sqs
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const sqs = publisher.sqs(); // pass it where your code expects an SQSClient

    await sqs.send(
      new SendMessageCommand({
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo',
        MessageBody: JSON.stringify(OrderShipped.create({ orderId: '1', carrier: 'ups' })),
        MessageGroupId: '1',
        MessageAttributes: { 'event-type': { DataType: 'String', StringValue: 'OrderShipped' } },
      }),
    );

    expect(sqs).toHavePublished(OrderShipped, { carrier: 'ups' });
    expect(sqs.published[0]?.key).toBe('1'); // MessageGroupId
    // #endregion sqs
  });

  it('matchers', async () => {
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const service = new OrderService(publisher);
    // #region matchers
    await service.createOrder({ userId: 'user1', items });
    await service.ship('1', 'ups');

    expect(publisher).toHavePublished(OrderShipped, { orderId: '1' });
    expect(publisher).toHavePublished(OrderCreated, (order) => order.items.length === 1);
    expect(publisher).toHavePublishedTimes(OrderCreated, 1, { userId: 'user1' });
    expect(publisher).toHavePublishedInOrder([OrderCreated, [OrderShipped, { carrier: 'ups' }]]);
    expect(publisher).not.toHavePublished(OrderShipped, { carrier: 'dhl' });
    // #endregion matchers
    // #region failure-message
    expect(() => expect(publisher).toHavePublished(OrderShipped, { carrier: 'dhl' }))
      .toThrowErrorMatchingInlineSnapshot(`
      [Error: Expected the recording publisher to have published OrderShipped matching {"carrier":"dhl"}, but nothing matching was published.
      Published instead, nearest first:
        #2 OrderShipped to "shipping": carrier: expected "dhl", received "ups"
        #1 OrderCreated to "orders" key "1" (another type): {"orderId":"1","userId":"user1","items":[{"sku":"ABC","quantity":2}]}]
    `);
    // #endregion failure-message
  });

  it('node:test assertions', async () => {
    // #region node-test
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const service = new OrderService(publisher);

    await expect(service.createOrder({ userId: 'user1', items: [] })).rejects.toThrow();
    assertPublishedNothing(publisher);

    await service.createOrder({ userId: 'user1', items });
    assertPublished(publisher, OrderCreated, { userId: 'user1' });
    assertPublishedTimes(publisher, OrderCreated, 1);
    assertPublishedInOrder(publisher, [OrderCreated]);
    // #endregion node-test
  });

  it('failing', async () => {
    // #region failing
    const flaky = failing(new Inventory(), {
      reserve: { fail: 2, error: () => new InventoryError('out of stock') },
    });

    await expect(flaky.reserve('ABC', 1)).rejects.toThrow(InventoryError);
    await expect(flaky.reserve('ABC', 1)).rejects.toThrow(InventoryError);
    await flaky.reserve('ABC', 1); // the third call runs the real method

    expect(callsOf(flaky, 'reserve').map((call) => call.outcome)).toEqual(['threw', 'threw', 'returned']);
    // #endregion failing
  });

  it('partial failure', async () => {
    // #region partial-failure
    const handler = new OrderHandler({
      inventory: failing(inventory, { reserve: { fail: Infinity, error: () => new InventoryError('down') } }),
    });
    const consumer = consumerHarness(handler, { events: [OrderCreated] });

    await expect(
      consumer.receive(OrderCreated.create({ orderId: '1', userId: 'user1', items })),
    ).rejects.toThrow(InventoryError);

    // Requeued, not lost
    expect(consumer.deadLetterQueue.count()).toBe(0);
    expect(consumer.retryQueue.count()).toBe(1);
    // #endregion partial-failure
  });

  it('poison', async () => {
    const handler = new OrderHandler({ inventory });
    // #region poison
    const consumer = consumerHarness(handler, { events: [OrderCreated] });

    await consumer.receive(Buffer.from('not valid json'));

    expect(consumer.deadLetterQueue.count()).toBe(1);
    expect(consumer.processedCount).toBe(0);
    expect(consumer.deadLetterQueue[0]).toMatchObject({ reason: 'invalid-json', attempts: 0 });
    // #endregion poison
  });

  it('retries', async () => {
    // #region retries
    const deadLettered: DeadLetterEntry[] = [];
    const handler = new OrderHandler({
      inventory: failing(new Inventory(), { reserve: { fail: 2 } }),
    });
    const consumer = consumerHarness(handler, {
      events: [OrderCreated],
      retry: { maxAttempts: 3, backoff: { initialMs: 1000, multiplier: 2 } },
      deadLetter: { name: 'orders.dlq', onDeadLetter: (entry) => void deadLettered.push(entry) },
    });

    await expect(
      consumer.receive(OrderCreated.create({ orderId: '1', userId: 'user1', items })),
    ).rejects.toThrow();
    expect(consumer.retryQueue[0]).toMatchObject({ attempts: 1, dueAt: 1000 });

    await consumer.advance(1000); // virtual time: the retry falls due and fails again
    expect(consumer.retryQueue[0]).toMatchObject({ attempts: 2, dueAt: 3000 });

    await consumer.runRetries(); // the third attempt succeeds
    expect(consumer.processedCount).toBe(1);
    expect(consumer.acked[0]?.attempts).toBe(3);
    expect(deadLettered).toEqual([]);
    // #endregion retries
  });

  it('hangs', async () => {
    // #region hang
    const handler = new OrderHandler({ inventory: failing(new Inventory(), { reserve: 'hang' }) });
    const consumer = consumerHarness(handler, { events: [OrderCreated], handlerTimeoutMs: 50 });

    await expect(
      consumer.receive(OrderCreated.create({ orderId: '1', userId: 'user1', items })),
    ).rejects.toMatchObject({
      name: 'HandlerTimeoutError',
      code: 'TIMEOUT',
    });
    expect(consumer.retryQueue[0]?.reason).toBe('handler-timeout');
    // #endregion hang
  });
});
