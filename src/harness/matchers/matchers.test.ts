import { describe, expect, it } from 'vitest';
import 'eventproof/vitest';
import { eventproofMatchers } from 'eventproof/vitest';
import { InvalidArgumentError, recordingPublisher } from 'eventproof';
import { OrderCreated, OrderShipped, OrderUpdated, allEvents, created } from '../__fixtures__/events.js';

const shipped = (orderId: string, carrier = 'ups') => OrderShipped.create({ orderId, carrier });

async function orderFlow() {
  const publisher = recordingPublisher({ events: allEvents });
  await publisher.publish('orders', created('1'));
  await publisher.publish('orders', OrderUpdated.create({ orderId: '1', status: 'paid' }));
  await publisher.publish('shipping', shipped('1'));
  return publisher;
}

/** The message a failing `expect` assertion throws. */
const failureOf = (assertion: () => void): string => {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the assertion to fail');
};

describe('toHavePublished', () => {
  it('passes for a published type, with or without a partial payload', async () => {
    const publisher = await orderFlow();
    expect(publisher).toHavePublished(OrderCreated);
    expect(publisher).toHavePublished(OrderShipped, { orderId: '1', carrier: 'ups' });
    expect(publisher).toHavePublished(OrderCreated, (order) => order.items.length === 1);
  });

  it('fails listing what was published instead, nearest first, with the differing fields', async () => {
    const publisher = await orderFlow();
    await publisher.publish('shipping', shipped('2', 'dhl'));
    expect(failureOf(() => expect(publisher).toHavePublished(OrderShipped, { orderId: '2', carrier: 'ups' })))
      .toMatchInlineSnapshot(`
      "Expected the recording publisher to have published OrderShipped matching {"orderId":"2","carrier":"ups"}, but nothing matching was published.
      Published instead, nearest first:
        #3 OrderShipped to "shipping" key "1": orderId: expected "2", received "1"
        #4 OrderShipped to "shipping" key "2": carrier: expected "ups", received "dhl"
        #1 OrderCreated to "orders" key "1" (another type): {"orderId":"1","userId":"user1","items":[{"sku":"ABC","quantity":2}]}
        #2 OrderUpdated to "orders" key "1" (another type): {"orderId":"1","status":"paid"}"
    `);
  });

  it('.not fails naming the matching events', async () => {
    const publisher = await orderFlow();
    expect(publisher).not.toHavePublished(OrderShipped, { orderId: '2' });
    expect(failureOf(() => expect(publisher).not.toHavePublished(OrderShipped))).toMatchInlineSnapshot(`
      "Expected the recording publisher not to have published OrderShipped, but it was published once.
      Matching:
        #3 OrderShipped to "shipping" key "1": {"orderId":"1","carrier":"ups"}"
    `);
  });

  it('returns actual and expected so the runner can draw a diff', async () => {
    const publisher = await orderFlow();
    const result = eventproofMatchers.toHavePublished(publisher, OrderShipped, { carrier: 'dhl' });
    expect(result.pass).toBe(false);
    expect(result.expected).toEqual({ event: 'OrderShipped', payload: { carrier: 'dhl' } });
    expect(result.actual).toEqual({
      event: 'OrderShipped',
      topic: 'shipping',
      payload: { orderId: '1', carrier: 'ups' },
    });
  });

  it('works on a recorder, seeing only what went through it', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    const producer = publisher.kafka();
    await publisher.publish('orders', created('1'));
    await producer.send({
      topic: 'orders',
      messages: [{ value: JSON.stringify(created('2')), headers: { 'event-type': 'OrderCreated' } }],
    });
    expect(producer).toHavePublished(OrderCreated, { orderId: '2' });
    expect(producer).not.toHavePublished(OrderCreated, { orderId: '1' });
    expect(failureOf(() => expect(producer).toHavePublished(OrderShipped))).toMatch(
      /^Expected the kafka recorder to have published OrderShipped/,
    );
  });

  it('types the partial by the contract', async () => {
    const publisher = await orderFlow();
    // @ts-expect-error orderId is a string in OrderShipped
    expect(() => expect(publisher).toHavePublished(OrderShipped, { orderId: 1 })).toThrow();
  });

  it('throws a house error when given something that is not a publisher or a contract', async () => {
    expect(() => expect({}).toHavePublished(OrderCreated)).toThrow(InvalidArgumentError);
    const publisher = await orderFlow();
    expect(() => expect(publisher).toHavePublished('OrderCreated' as never)).toThrow(
      /expected an event contract made by defineEvent/,
    );
  });
});

describe('toHavePublishedTimes', () => {
  it('counts matching events exactly', async () => {
    const publisher = await orderFlow();
    await publisher.publish('orders', created('1'));
    expect(publisher).toHavePublishedTimes(OrderCreated, 2);
    expect(publisher).toHavePublishedTimes(OrderCreated, 2, { orderId: '1' });
    expect(publisher).toHavePublishedTimes(OrderShipped, 0, { carrier: 'dhl' });
    expect(publisher).not.toHavePublishedTimes(OrderCreated, 1);
  });

  it('fails on a duplicate, listing the matches', async () => {
    const publisher = await orderFlow();
    await publisher.publish('orders', created('1'));
    expect(failureOf(() => expect(publisher).toHavePublishedTimes(OrderCreated, 1, { orderId: '1' })))
      .toMatchInlineSnapshot(`
      "Expected the recording publisher to have published OrderCreated matching {"orderId":"1"} 1 time, but it was published 2 times.
      Matching:
        #1 OrderCreated to "orders" key "1": {"orderId":"1","userId":"user1","items":[{"sku":"ABC","quantity":2}]}
        #4 OrderCreated to "orders" key "1": {"orderId":"1","userId":"user1","items":[{"sku":"ABC","quantity":2}]}"
    `);
  });

  it('fails on too few with the near misses, and .not fails on an exact count', async () => {
    const publisher = await orderFlow();
    expect(
      failureOf(() => expect(publisher).toHavePublishedTimes(OrderShipped, 1, { carrier: 'dhl' })),
    ).toContain('#3 OrderShipped to "shipping" key "1": carrier: expected "dhl", received "ups"');
    expect(failureOf(() => expect(publisher).not.toHavePublishedTimes(OrderShipped, 1))).toMatch(
      /^Expected the recording publisher not to have published OrderShipped 1 time, but it was published exactly 1 time\./,
    );
  });

  it('rejects a count that is not a non-negative integer', async () => {
    const publisher = await orderFlow();
    expect(() => expect(publisher).toHavePublishedTimes(OrderCreated, 1.5)).toThrow(InvalidArgumentError);
  });
});

describe('toHavePublishedInOrder', () => {
  it('passes for a subsequence, other events allowed between the steps', async () => {
    const publisher = await orderFlow();
    expect(publisher).toHavePublishedInOrder([OrderCreated, OrderShipped]);
    expect(publisher).toHavePublishedInOrder([
      OrderCreated,
      [OrderUpdated, { status: 'paid' }],
      [OrderShipped, { orderId: '1' }],
    ]);
  });

  it('fails on the wrong order, pointing at the out-of-order step', async () => {
    const publisher = await orderFlow();
    expect(
      failureOf(() => expect(publisher).toHavePublishedInOrder([OrderCreated, OrderShipped, OrderUpdated])),
    ).toMatchInlineSnapshot(`
      "Expected the recording publisher to have published in order: OrderCreated, OrderShipped, OrderUpdated, but step 3 (OrderUpdated) was not published after step 2 (#3).
      Steps:
        step 1 OrderCreated: #1
        step 2 OrderShipped: #3
        step 3 OrderUpdated: published at #2, before the previous step (out of order)
      Nothing else was published."
    `);
  });

  it('fails when the first step never happened, listing near misses', async () => {
    const publisher = await orderFlow();
    const message = failureOf(() =>
      expect(publisher).toHavePublishedInOrder([[OrderUpdated, { status: 'cancelled' }], OrderShipped]),
    );
    expect(message).toMatch(
      /but step 1 \(OrderUpdated matching \{"status":"cancelled"\}\) was never published\./,
    );
    expect(message).toContain(
      '#2 OrderUpdated to "orders" key "1": status: expected "cancelled", received "paid"',
    );
  });

  it('.not fails when the order holds, and the diff shows the published sequence', async () => {
    const publisher = await orderFlow();
    expect(publisher).not.toHavePublishedInOrder([OrderShipped, OrderCreated]);
    expect(failureOf(() => expect(publisher).not.toHavePublishedInOrder([OrderCreated, OrderShipped])))
      .toMatchInlineSnapshot(`
      "Expected the recording publisher not to have published in order: OrderCreated, OrderShipped, but they were published in that order.
      Matched in order: #1 OrderCreated, #3 OrderShipped"
    `);
    const result = eventproofMatchers.toHavePublishedInOrder(publisher, [OrderShipped, OrderCreated]);
    expect(result.actual).toEqual(['OrderCreated', 'OrderUpdated', 'OrderShipped']);
    expect(result.expected).toEqual(['OrderShipped', 'OrderCreated']);
  });

  it('rejects an empty list of steps', async () => {
    const publisher = await orderFlow();
    expect(() => expect(publisher).toHavePublishedInOrder([])).toThrow(InvalidArgumentError);
  });
});

describe('toHavePublishedNothing', () => {
  it('passes for a fresh publisher and fails listing everything published, poison included', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    expect(publisher).toHavePublishedNothing();
    await publisher.publish('orders', created('1'));
    await publisher.kafka().send({ topic: 'orders', messages: [{ value: 'oops' }] });
    expect(failureOf(() => expect(publisher).toHavePublishedNothing())).toMatchInlineSnapshot(`
      "Expected the recording publisher to have published nothing, but it published 2 messages.
        #1 OrderCreated to "orders" key "1": {"orderId":"1","userId":"user1","items":[{"sku":"ABC","quantity":2}]}
        #2 poison to "orders" (invalid-json): bytes "oops""
    `);
  });

  it('.not fails when nothing was published', () => {
    expect(failureOf(() => expect(recordingPublisher()).not.toHavePublishedNothing())).toBe(
      'Expected the recording publisher not to have published nothing, but it published nothing.',
    );
  });
});
