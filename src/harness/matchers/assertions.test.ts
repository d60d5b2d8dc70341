import { describe, expect, it } from 'vitest';
import {
  AssertionFailedError,
  assertPublished,
  assertPublishedInOrder,
  assertPublishedNothing,
  assertPublishedTimes,
  recordingPublisher,
} from 'eventproof';
import { OrderCreated, OrderShipped, OrderUpdated, created } from '../__fixtures__/events.js';

const thrown = (fn: () => void): AssertionFailedError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AssertionFailedError) return error;
    throw error;
  }
  throw new Error('expected an AssertionFailedError');
};

describe('assertion functions for node:test', () => {
  it('pass silently when the claim holds', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'));
    await publisher.publish('orders', OrderUpdated.create({ orderId: '1', status: 'paid' }));
    expect(() => {
      assertPublished(publisher, OrderCreated, { orderId: '1' });
      assertPublishedTimes(publisher, OrderCreated, 1);
      assertPublishedInOrder(publisher, [OrderCreated, OrderUpdated]);
    }).not.toThrow();
    expect(() => assertPublishedNothing(recordingPublisher())).not.toThrow();
  });

  it('throw AssertionFailedError in the house form, with actual and expected', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'));
    const error = thrown(() => assertPublished(publisher, OrderCreated, { userId: 'user2' }));
    expect(error.code).toBe('ASSERTION_FAILED');
    expect(error.message).toMatchInlineSnapshot(`
      "[eventproof] Failed to assert that the recording publisher published OrderCreated matching {"userId":"user2"}: nothing matching was published.
      Published instead, nearest first:
        #1 OrderCreated to "orders" key "1": userId: expected "user2", received "user1""
    `);
    expect(error.expected).toEqual({ event: 'OrderCreated', payload: { userId: 'user2' } });
    expect(error.actual).toMatchObject({ event: 'OrderCreated', payload: { userId: 'user1' } });
  });

  it('each fails when its claim is false', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'));
    await publisher.publish('orders', created('1'));
    expect(thrown(() => assertPublishedTimes(publisher, OrderCreated, 1)).message).toMatch(
      /published OrderCreated 1 time: it was published 2 times\./,
    );
    expect(thrown(() => assertPublishedInOrder(publisher, [OrderShipped])).message).toMatch(
      /step 1 \(OrderShipped\) was never published/,
    );
    expect(thrown(() => assertPublishedNothing(publisher)).message).toMatch(
      /^\[eventproof\] Failed to assert that the recording publisher published nothing: it published 2 messages\./,
    );
  });
});
