import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { callsOf, consumerHarness, defineEvent, failing, type PayloadOf } from 'eventproof';

const OrderCreated = defineEvent(
  'OrderCreated',
  z.object({
    orderId: z.string(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  }),
);

class InventoryError extends Error {}
const inventory = { reserve: async (_sku: string, _quantity: number) => {} };

class OrderHandler {
  constructor(private readonly deps: { inventory: typeof inventory }) {}
  async handle(order: PayloadOf<typeof OrderCreated>) {
    for (const item of order.items) await this.deps.inventory.reserve(item.sku, item.quantity);
  }
}

describe('Layer 3: consumers', () => {
  it('reserves stock for each item', async () => {
    const spy = failing(inventory, {}); // no failures planned: a recording wrapper
    const handler = new OrderHandler({ inventory: spy });

    await handler.handle(OrderCreated.create({ orderId: '123', items: [{ sku: 'ABC', quantity: 2 }] }));

    expect(callsOf(spy, 'reserve').map((call) => call.args)).toEqual([['ABC', 2]]);
  });

  it('requeues an order when the inventory fails, instead of losing it', async () => {
    const handler = new OrderHandler({
      inventory: failing(inventory, { reserve: { fail: Infinity, error: () => new InventoryError('down') } }),
    });
    const consumer = consumerHarness(handler, { events: [OrderCreated], retry: { maxAttempts: 3 } });

    await expect(
      consumer.receive(OrderCreated.create({ orderId: '1', items: [{ sku: 'ABC', quantity: 1 }] })),
    ).rejects.toThrow(InventoryError);

    expect(consumer.deadLetterQueue.count()).toBe(0);
    expect(consumer.retryQueue.count()).toBe(1);
  });

  it('retries in virtual time and succeeds when the dependency recovers', async () => {
    const flaky = failing(inventory, { reserve: { fail: 2 } }); // throws twice, then works
    const consumer = consumerHarness(new OrderHandler({ inventory: flaky }), {
      events: [OrderCreated],
      retry: { maxAttempts: 5, backoff: { initialMs: 1_000, multiplier: 2 } },
    });

    await consumer
      .receive(OrderCreated.create({ orderId: '1', items: [{ sku: 'ABC', quantity: 1 }] }))
      .catch(() => {});
    await consumer.runRetries(); // 1 s, then 2 s of virtual time: the test takes milliseconds

    expect(consumer.processedCount).toBe(1);
    expect(consumer.now()).toBe(3_000);
    expect(consumer.deadLetterQueue.count()).toBe(0);
  });

  it('sends a malformed message to the dead-letter queue, unprocessed', async () => {
    const consumer = consumerHarness(new OrderHandler({ inventory }), { events: [OrderCreated] });

    await consumer.receive(Buffer.from('not valid json'));

    expect(consumer.deadLetterQueue.count()).toBe(1);
    expect(consumer.processedCount).toBe(0);
    expect(consumer.deadLetterQueue.at(0)?.reason).toBe('invalid-json');
  });
});
