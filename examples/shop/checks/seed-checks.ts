import assert from 'node:assert/strict';
import {
  assertPublishedTimes,
  checkRoundTrip,
  consumerHarness,
  failing,
  recordingPublisher,
} from 'eventproof';
import { OrderCreated, OrderShipped, OrderUpdated } from '../src/events.js';
import { InMemoryInventory, InventoryError } from '../src/inventory.js';
import { brokenShops, type ShopVariant } from '../src/variants.js';

/**
 * The strategy's code examples, each translated into a check on the shop. A check passes on the
 * correct shop and must fail on the broken build named in `catches`.
 */
export interface ShopCheck {
  readonly layer:
    | 'Serialization'
    | 'Producer'
    | 'Consumer'
    | 'Ordering'
    | 'Idempotency'
    | 'Out-of-order'
    | 'Partial failure'
    | 'Poison';
  readonly title: string;
  readonly catches: ShopVariant;
  run(shop: ShopVariant): Promise<void>;
}

const created = (orderId: string, overrides: Partial<Parameters<typeof OrderCreated.create>[0]> = {}) =>
  OrderCreated.create({
    orderId,
    userId: 'user1',
    items: [{ sku: 'ABC', quantity: 2 }],
    amount: 100,
    idempotencyKey: `key-${orderId}`,
    createdAt: '2026-11-24T10:00:00.000Z',
    ...overrides,
  });

export const seedChecks: readonly ShopCheck[] = [
  {
    layer: 'Serialization',
    title: 'OrderCreated survives encode → decode for every payload its schema allows',
    catches: brokenShops.lossyContract,
    async run(shop) {
      await Promise.resolve();
      checkRoundTrip(shop.events.OrderCreated, { runs: 200, seed: 42 });
    },
  },
  {
    layer: 'Producer',
    title: 'createOrder publishes exactly one OrderCreated for the user',
    catches: brokenShops.doublePublish,
    async run(shop) {
      const publisher = recordingPublisher({ events: shop.events.all });
      const service = shop.orderService(publisher);

      await service.createOrder({ userId: 'user1', items: [{ sku: 'ABC', quantity: 2 }], amount: 100 });

      assertPublishedTimes(publisher, OrderCreated, 1, { userId: 'user1' });
    },
  },
  {
    layer: 'Consumer',
    title: 'InventoryConsumer reserves the ordered quantity of each SKU',
    catches: brokenShops.ignoresQuantity,
    async run(shop) {
      const inventory = new InMemoryInventory({ ABC: 10 });
      const consumer = shop.inventoryConsumer(inventory);

      await consumer.handle(created('123'));

      assert.equal(inventory.available('ABC'), 8, 'reserve("ABC", 2) should leave 8 of 10');
    },
  },
  {
    layer: 'Ordering',
    title: 'events processed in order end in the last state',
    catches: brokenShops.ignoresShipment,
    async run(shop) {
      const handler = shop.orderHandler();
      for (const event of [
        created('1'),
        OrderUpdated.create({ orderId: '1', status: 'paid', version: 2 }),
        OrderShipped.create({ orderId: '1', carrier: 'DHL', shippedAt: '2026-11-24T12:00:00.000Z' }),
      ]) {
        await handler.handle(event);
      }
      assert.equal(handler.getOrder('1')?.status, 'shipped');
    },
  },
  {
    layer: 'Idempotency',
    title: 'a duplicate OrderCreated creates one order',
    catches: brokenShops.notIdempotent,
    async run(shop) {
      const event = created('123', { idempotencyKey: 'abc' });
      const handler = shop.orderHandler();

      await handler.handle(event);
      await handler.handle(event); // duplicate

      assert.equal(handler.orderCount(), 1);
    },
  },
  {
    layer: 'Out-of-order',
    title: 'an update delivered before its OrderCreated is not lost',
    catches: brokenShops.lastWriteWins,
    async run(shop) {
      const handler = shop.orderHandler();

      await handler.handle(OrderUpdated.create({ orderId: '1', status: 'paid', version: 2 }));
      await handler.handle(created('1'));

      assert.equal(handler.getOrder('1')?.status, 'paid');
    },
  },
  {
    layer: 'Partial failure',
    title: 'an inventory failure requeues the order instead of losing it',
    catches: brokenShops.swallowsErrors,
    async run(shop) {
      const inventory = failing(new InMemoryInventory({ ABC: 10 }), {
        reserve: { fail: Infinity, error: () => new InventoryError('inventory is down') },
      });
      const consumer = consumerHarness(shop.orderHandler({ inventory }), { events: shop.events.all });

      await assert.rejects(consumer.receive(created('1')), InventoryError);

      assert.equal(consumer.deadLetterQueue.count(), 0);
      assert.equal(consumer.retryQueue.count(), 1);
    },
  },
  {
    layer: 'Poison',
    title: 'malformed messages go to the dead-letter queue, unprocessed',
    catches: brokenShops.laxContract,
    async run(shop) {
      const consumer = consumerHarness(shop.orderHandler(), { events: shop.events.all });

      await consumer.receive(Buffer.from('not valid json'));
      await consumer.receive(Buffer.from('{"type":"OrderCreated","orderId":42}'));

      assert.equal(consumer.deadLetterQueue.count(), 2);
      assert.equal(consumer.processedCount, 0);
    },
  },
];
