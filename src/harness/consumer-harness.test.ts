import { describe, expect, it, vi } from 'vitest';
import {
  consumerHarness,
  DecodeError,
  failing,
  HandlerTimeoutError,
  InvalidArgumentError,
  type DeadLetterEntry,
  type DeliveryContext,
  type PayloadOf,
} from 'eventproof';
import { OrderCreated, OrderShipped, allEvents, created } from './__fixtures__/events.js';

class InventoryError extends Error {
  override name = 'InventoryError';
}

class Inventory {
  readonly reserved: [string, number][] = [];
  async reserve(sku: string, quantity: number): Promise<void> {
    await Promise.resolve();
    this.reserved.push([sku, quantity]);
  }
}

class OrderHandler {
  readonly orders = new Map<string, string>();
  readonly #inventory: Inventory;
  constructor({ inventory }: { inventory: Inventory }) {
    this.#inventory = inventory;
  }
  async handle(event: PayloadOf<typeof OrderCreated>): Promise<void> {
    for (const item of event.items) await this.#inventory.reserve(item.sku, item.quantity);
    this.orders.set(event.orderId, 'created');
  }
}

/** A broken variant: swallows the inventory failure, so the order is silently lost. */
class SwallowingOrderHandler extends OrderHandler {
  override async handle(event: PayloadOf<typeof OrderCreated>): Promise<void> {
    try {
      await super.handle(event);
    } catch {
      // lost
    }
  }
}

const outOfStock = () => new InventoryError('out of stock');

describe('consumerHarness: the seed examples', () => {
  it('Partial Failures: an inventory failure requeues the event instead of losing it', async () => {
    const inventory = new Inventory();
    const handler = new OrderHandler({
      inventory: failing(inventory, { reserve: { fail: Infinity, error: outOfStock } }),
    });
    const consumer = consumerHarness(handler, { events: [OrderCreated] });

    await expect(consumer.receive(created('1'))).rejects.toThrow(InventoryError);

    expect(consumer.deadLetterQueue.count()).toBe(0);
    expect(consumer.retryQueue.count()).toBe(1);
  });

  it('Poison Messages: malformed bytes go to the dead-letter queue, processed 0', async () => {
    const handle = vi.fn<() => void>();
    const consumer = consumerHarness(handle, { events: [OrderCreated] });

    await consumer.receive(Buffer.from('not valid json'));

    expect(consumer.deadLetterQueue.count()).toBe(1);
    expect(consumer.processedCount).toBe(0);
    expect(handle).not.toHaveBeenCalled();
    expect(consumer.deadLetterQueue[0]).toMatchObject({
      reason: 'invalid-json',
      attempts: 0,
      error: expect.any(DecodeError),
    });
    expect(Buffer.from(consumer.deadLetterQueue[0]!.message.value).toString()).toBe('not valid json');
  });

  it('the seed assertions fail against a handler that swallows the failure', async () => {
    const handler = new SwallowingOrderHandler({
      inventory: failing(new Inventory(), { reserve: { fail: Infinity, error: outOfStock } }),
    });
    const consumer = consumerHarness(handler, { events: [OrderCreated] });

    await expect(expect(consumer.receive(created('1'))).rejects.toThrow(InventoryError)).rejects.toThrow();
    expect(() => expect(consumer.retryQueue.count()).toBe(1)).toThrow();
    expect(consumer.processedCount).toBe(1); // acked: the order is lost, and the harness shows it
  });

  it('the poison assertions fail when the message is in fact valid', async () => {
    const consumer = consumerHarness(vi.fn<() => void>(), { events: [OrderCreated] });
    await consumer.receive(OrderCreated.encode(created('1')));
    expect(() => expect(consumer.deadLetterQueue.count()).toBe(1)).toThrow();
    expect(() => expect(consumer.processedCount).toBe(0)).toThrow();
  });
});

describe('consumerHarness: retries', () => {
  it('succeeds on the third attempt after two failures, with maxAttempts 3', async () => {
    const inventory = new Inventory();
    const handler = new OrderHandler({
      inventory: failing(inventory, { reserve: { fail: 2, error: outOfStock } }),
    });
    const consumer = consumerHarness(handler, { events: [OrderCreated], retry: { maxAttempts: 3 } });

    await expect(consumer.receive(created('1'))).rejects.toThrow(InventoryError);
    const retried = await consumer.runRetries();

    expect(retried.map((d) => [d.attempt, d.outcome])).toEqual([
      [2, 'retry-scheduled'],
      [3, 'acked'],
    ]);
    expect(consumer.processedCount).toBe(1);
    expect(consumer.acked[0]).toMatchObject({ eventType: 'OrderCreated', attempts: 3 });
    expect(consumer.retryQueue.count()).toBe(0);
    expect(consumer.deadLetterQueue.count()).toBe(0);
    expect(inventory.reserved).toEqual([['ABC', 2]]);
  });

  it('dead-letters after maxAttempts with attempts = maxAttempts and the last error', async () => {
    const deadLettered: DeadLetterEntry[] = [];
    const consumer = consumerHarness(
      () => {
        throw new InventoryError('down');
      },
      {
        events: [OrderCreated],
        retry: { maxAttempts: 4 },
        deadLetter: { name: 'orders.dlq', onDeadLetter: (entry) => void deadLettered.push(entry) },
      },
    );

    await expect(consumer.receive(created('1'))).rejects.toThrow('down');
    await consumer.runRetries();

    expect(consumer.retryQueue.count()).toBe(0);
    expect(consumer.deadLetterQueue.name).toBe('orders.dlq');
    expect(consumer.deadLetterQueue).toHaveLength(1);
    expect(consumer.deadLetterQueue[0]).toMatchObject({
      reason: 'retries-exhausted',
      attempts: 4,
      eventType: 'OrderCreated',
      payload: { orderId: '1' },
    });
    expect(consumer.deadLetterQueue[0]?.error).toBeInstanceOf(InventoryError);
    expect(deadLettered).toEqual([...consumer.deadLetterQueue]);
    expect(consumer.processedCount).toBe(0);
  });

  it('with maxAttempts 1 a failure goes straight to the dead-letter queue and receive still rejects', async () => {
    const consumer = consumerHarness(() => Promise.reject(new InventoryError('no')), {
      events: [OrderCreated],
      retry: { maxAttempts: 1 },
    });
    await expect(consumer.receive(created('1'))).rejects.toThrow(InventoryError);
    expect(consumer.retryQueue.count()).toBe(0);
    expect(consumer.deadLetterQueue[0]?.attempts).toBe(1);
  });

  it('schedules retries with exponential backoff in virtual time (100ms, 200ms by default)', async () => {
    const attempts: [number, number][] = [];
    const consumer = consumerHarness(
      (_payload, context: DeliveryContext) => {
        attempts.push([context.attempt, context.now]);
        throw new Error('boom');
      },
      { events: [OrderCreated] },
    );
    await expect(consumer.receive(created('1'))).rejects.toThrow('boom');
    expect(consumer.retryQueue[0]).toMatchObject({ attempts: 1, dueAt: 100, reason: 'handler-error' });

    await consumer.advance(99);
    expect(attempts).toHaveLength(1);
    await consumer.advance(1);
    expect(consumer.retryQueue[0]).toMatchObject({ attempts: 2, dueAt: 300 });
    await consumer.advance(1000);
    expect(attempts).toEqual([
      [1, 0],
      [2, 100],
      [3, 300],
    ]);
    expect(consumer.now()).toBe(1100);
    expect(consumer.deadLetterQueue.count()).toBe(1);
  });

  it('honours a backoff object with a cap, and a backoff function', async () => {
    const fail = () => {
      throw new Error('x');
    };
    const capped = consumerHarness(fail, {
      events: [OrderCreated],
      retry: { maxAttempts: 5, backoff: { initialMs: 1000, multiplier: 3, maxMs: 5000 } },
    });
    await capped.receive(created('1')).catch(() => undefined);
    const due: number[] = [];
    for (let entry = capped.retryQueue[0]; entry; entry = capped.retryQueue[0]) {
      due.push(entry.dueAt);
      await capped.advance(entry.dueAt - capped.now());
    }
    expect(due).toEqual([1000, 4000, 9000, 14000]);

    const linear = consumerHarness(fail, {
      events: [OrderCreated],
      retry: { backoff: (attempt) => attempt * 10 },
    });
    await linear.receive(created('1')).catch(() => undefined);
    expect(linear.retryQueue[0]?.dueAt).toBe(10);
  });

  it('delivers each retry freshly decoded, so handler mutations do not carry over', async () => {
    const seen: string[] = [];
    const consumer = consumerHarness(
      (order: PayloadOf<typeof OrderCreated>) => {
        seen.push(order.userId);
        order.userId = 'mutated';
        throw new Error('again');
      },
      { events: [OrderCreated], retry: { maxAttempts: 2 } },
    );
    await consumer.receive(created('1')).catch(() => undefined);
    await consumer.runRetries();
    expect(seen).toEqual(['user1', 'user1']);
  });
});

describe('consumerHarness: decoding and validation', () => {
  it('dead-letters a schema violation at once, never retried, never handled', async () => {
    const handle = vi.fn<() => void>();
    const consumer = consumerHarness(handle, { events: allEvents });
    await consumer.receive({ type: 'OrderCreated', orderId: 42 });
    await consumer.receive('{"orderId":"1","carrier":"ups"}', { headers: { 'event-type': 'OrderRefunded' } });
    await consumer.runRetries();
    expect(consumer.deadLetterQueue.map((entry) => [entry.reason, entry.attempts])).toEqual([
      ['schema-violation', 0],
      ['unknown-type', 0],
    ]);
    expect(handle).not.toHaveBeenCalled();
    expect(consumer.history.map((d) => d.outcome)).toEqual(['dead-lettered', 'dead-lettered']);
  });

  it('accepts bytes, text, a wire message, a created payload and a plain JSON body', async () => {
    const handled: string[] = [];
    const consumer = consumerHarness(
      (event, context) => void handled.push(`${context.eventType}:${(event as { orderId: string }).orderId}`),
      {
        events: allEvents,
      },
    );
    const wire = OrderShipped.encode(OrderShipped.create({ orderId: 's', carrier: 'ups' }));
    await consumer.receive(OrderCreated.encode(created('1')).value, {
      headers: { 'event-type': 'OrderCreated' },
    });
    await consumer.receive(JSON.stringify(created('2')), { headers: { 'event-type': 'OrderCreated' } });
    await consumer.receive(wire);
    await consumer.receive(created('3'));
    await consumer.receive({ orderId: '4', carrier: 'dhl' });
    expect(handled).toEqual([
      'OrderCreated:1',
      'OrderCreated:2',
      'OrderShipped:s',
      'OrderCreated:3',
      'OrderShipped:4',
    ]);
    expect(consumer.processedCount).toBe(5);
  });

  it('dead-letters input that is not a message at all as not-bytes', async () => {
    const consumer = consumerHarness(vi.fn<() => void>(), { events: [OrderCreated] });
    await consumer.receive(42 as never);
    expect(consumer.deadLetterQueue[0]).toMatchObject({ reason: 'not-bytes', attempts: 0 });
  });

  it('passes the key and headers through to the handler context', async () => {
    let context: DeliveryContext | undefined;
    const consumer = consumerHarness((_event, ctx) => void (context = ctx), { events: [OrderCreated] });
    await consumer.receive(created('1'), { headers: { trace: 't1' } });
    expect(context).toMatchObject({
      eventType: 'OrderCreated',
      attempt: 1,
      key: '1',
      headers: { trace: 't1', 'event-type': 'OrderCreated' },
    });
  });
});

describe('consumerHarness: hangs', () => {
  it('turns a hanging dependency into a HandlerTimeoutError that is retried like any failure', async () => {
    const handler = new OrderHandler({ inventory: failing(new Inventory(), { reserve: 'hang' }) });
    const consumer = consumerHarness(handler, { events: [OrderCreated], handlerTimeoutMs: 20 });

    const error = await consumer.receive(created('1')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HandlerTimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 20, eventType: 'OrderCreated' });
    expect((error as Error).message).toMatchInlineSnapshot(
      `"[eventproof] Failed to handle OrderCreated (delivery 1, attempt 1): the handler did not settle within 20ms. A dependency may hang: give it a timeout in the code, or raise handlerTimeoutMs."`,
    );
    expect(consumer.retryQueue[0]).toMatchObject({ reason: 'handler-timeout', attempts: 1 });
  });

  it('clears its timeout timer after each delivery', async () => {
    vi.useFakeTimers();
    try {
      const consumer = consumerHarness(() => Promise.resolve(), { events: [OrderCreated] });
      await consumer.receive(created('1'));
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('consumerHarness: arguments', () => {
  it('refuses a missing handler, missing events and a bad maxAttempts', () => {
    expect(() => consumerHarness({} as never, { events: [OrderCreated] })).toThrow(InvalidArgumentError);
    expect(() => consumerHarness(vi.fn<() => void>(), { events: [] })).toThrow(/needs the event contracts/);
    expect(() =>
      consumerHarness(vi.fn<() => void>(), { events: [OrderCreated], retry: { maxAttempts: 0 } }),
    ).toThrow(/maxAttempts/);
  });
});
