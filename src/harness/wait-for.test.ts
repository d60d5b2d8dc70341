import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, recordingPublisher, TimeoutError, waitFor } from 'eventproof';
import { OrderCreated, OrderShipped, OrderUpdated, allEvents, created } from './__fixtures__/events.js';

const rejectionOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as TimeoutError;
  }
  throw new Error('expected a rejection');
};

describe('waitFor', () => {
  it('times out naming what was awaited and the near misses, same type with fewest differences first', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    await publisher.publish('orders', created('7', 'user9'));
    await publisher.publish('shipping', OrderShipped.create({ orderId: '2', carrier: 'dhl' }));
    await publisher.publish('shipping', OrderShipped.create({ orderId: '1', carrier: 'dhl' }));
    await publisher.publish('orders', OrderUpdated.create({ orderId: '1', status: 'paid' }));
    await publisher.kafka().send({ topic: 'orders', messages: [{ value: 'not valid json' }] });

    const error = await rejectionOf(
      waitFor(publisher, OrderShipped, { where: { orderId: '1', carrier: 'ups' }, timeoutMs: 20 }),
    );

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(20);
    expect(error.nearMisses).toHaveLength(5);
    expect(error.message).toMatchInlineSnapshot(`
      "[eventproof] Failed to wait for OrderShipped matching {"orderId":"1","carrier":"ups"}: nothing matching was published to the recording publisher within 20ms. Check that the code under test publishes it (and is awaited), or raise timeoutMs.
      Published instead, nearest first:
        #3 OrderShipped to "shipping" key "1": carrier: expected "ups", received "dhl"
        #2 OrderShipped to "shipping" key "2": orderId: expected "1", received "2"; carrier: expected "ups", received "dhl"
        #4 OrderUpdated to "orders" key "1" (another type): {"orderId":"1","status":"paid"}
        #1 OrderCreated to "orders" key "7" (another type): {"orderId":"7","userId":"user9","items":[{"sku":"ABC","quantity":2}]}
        #5 poison to "orders" (invalid-json): bytes "not valid json""
    `);
  });

  it('says so when nothing at all was published', async () => {
    const error = await rejectionOf(recordingPublisher().waitFor(OrderShipped, { timeoutMs: 1 }));
    expect(error.message).toContain('Nothing else was published.');
  });

  it('accepts a predicate and reports it could not say which fields differ', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'));
    const byUser = (order: { userId: string }) => order.userId === 'admin';
    const error = await rejectionOf(publisher.waitFor(OrderCreated, { where: byUser, timeoutMs: 1 }));
    expect(error.message).toContain('Failed to wait for OrderCreated matching the predicate byUser()');
    expect(error.message).toContain('#1 OrderCreated to "orders" key "1": the predicate returned false for');
  });

  it('matches deep partials inside arrays and honours asymmetric matchers', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'));
    await expect(
      publisher.waitFor(OrderCreated, {
        where: { items: [{ sku: 'ABC' }], userId: expect.stringMatching(/^user/) },
        timeoutMs: 1,
      }),
    ).resolves.toMatchObject({ sequence: 1 });
    await expect(publisher.waitFor(OrderCreated, { where: { items: [] }, timeoutMs: 1 })).rejects.toThrow(
      TimeoutError,
    );
  });

  it('clears its timer once matched, so nothing keeps the process alive', async () => {
    vi.useFakeTimers();
    try {
      const publisher = recordingPublisher();
      const waiting = publisher.waitFor(OrderCreated, { timeoutMs: 60_000 });
      expect(vi.getTimerCount()).toBe(1);
      await publisher.publish('orders', created('1'));
      await waiting;
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects something that is not a recording publisher', async () => {
    await expect(waitFor({}, OrderCreated)).rejects.toThrow(InvalidArgumentError);
    await expect(waitFor(recordingPublisher(), OrderCreated, { timeoutMs: -1 })).rejects.toThrow(
      /non-negative/,
    );
  });
});
