import { describe, expect, it } from 'vitest';
import { DecodeError, InvalidArgumentError, recordingPublisher } from 'eventproof';
import { OrderCreated, OrderShipped, allEvents, created } from './__fixtures__/events.js';

describe('recordingPublisher', () => {
  it('records topic, contract name, payload, key, headers and sequence in publish order', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'), { headers: { 'X-Trace': 't1' } });
    await publisher.publish('shipping', OrderShipped.create({ orderId: '1', carrier: 'ups' }), {
      key: 'custom',
    });

    expect(publisher.published).toMatchObject([
      {
        kind: 'event',
        topic: 'orders',
        event: 'OrderCreated',
        key: '1',
        headers: { 'x-trace': 't1' },
        sequence: 1,
        via: 'publish',
      },
      { kind: 'event', topic: 'shipping', event: 'OrderShipped', key: 'custom', sequence: 2 },
    ]);
    expect(publisher.published[0]?.at).toBeTypeOf('number');
  });

  it('returns typed payloads of one type with of()', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'));
    await publisher.publish('orders', OrderShipped.create({ orderId: '1', carrier: 'ups' }));
    await publisher.publish('orders', created('2'));

    const orders = publisher.of(OrderCreated);
    expect(orders.map((order) => order.orderId)).toEqual(['1', '2']);
    expect(publisher.of(OrderShipped)).toEqual([{ orderId: '1', carrier: 'ups' }]);
  });

  it('identifies a plain object through the registry of events', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    await publisher.publish('shipping', { orderId: '9', carrier: 'dhl' });
    expect(publisher.published[0]).toMatchObject({ event: 'OrderShipped', key: '9' });
  });

  it('records poison and rejects when a plain object matches no contract', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    await expect(publisher.publish('orders', { nonsense: true })).rejects.toThrow(DecodeError);
    expect(publisher.poison).toHaveLength(1);
    expect(publisher.poison[0]?.error.reason).toBe('unknown-type');
    expect(publisher.of(OrderCreated)).toEqual([]);
  });

  it('rejects an event mutated after create() so it no longer matches its schema', async () => {
    const publisher = recordingPublisher();
    const event = created('1');
    (event as { orderId: unknown }).orderId = 42;
    await expect(publisher.publish('orders', event)).rejects.toThrow(/no longer matches its schema/);
    expect(publisher.poison[0]?.error.reason).toBe('schema-violation');
  });

  it('snapshots the payload, so later mutation does not rewrite history', async () => {
    const publisher = recordingPublisher();
    const event = created('1');
    await publisher.publish('orders', event);
    event.userId = 'someone else';
    expect(publisher.of(OrderCreated)[0]?.userId).toBe('user1');
  });

  it('clear() forgets everything and restarts the sequence', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    const producer = publisher.kafka();
    await publisher.publish('orders', created('1'));
    await producer.send({ topic: 'orders', messages: [OrderCreated.encode(created('2'))] });
    publisher.clear();
    expect(publisher.published).toEqual([]);
    expect(producer.published).toEqual([]);
    await publisher.publish('orders', created('3'));
    expect(publisher.published[0]?.sequence).toBe(1);
  });

  it('refuses an empty topic', async () => {
    await expect(recordingPublisher().publish('', created('1'))).rejects.toThrow(InvalidArgumentError);
  });

  it('refuses to create a recorder without contracts to decode with', () => {
    expect(() => recordingPublisher().kafka()).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: [eventproof] Failed to create the kafka recorder: recorders decode the bytes they capture through the contracts, and no events were given. Pass them: recordingPublisher({ events: [OrderCreated, …] }).]`,
    );
  });
});

describe('publisher.waitFor', () => {
  it('resolves with an event already published', async () => {
    const publisher = recordingPublisher();
    await publisher.publish('orders', created('1'));
    await expect(publisher.waitFor(OrderCreated)).resolves.toMatchObject({
      event: 'OrderCreated',
      payload: { orderId: '1' },
    });
  });

  it('resolves with an event published later that matches where', async () => {
    const publisher = recordingPublisher();
    const waiting = publisher.waitFor(OrderCreated, { where: { orderId: '2' }, timeoutMs: 500 });
    setTimeout(() => void publisher.publish('orders', created('1')), 5);
    setTimeout(() => void publisher.publish('orders', created('2')), 10);
    const record = await waiting;
    expect(record.payload.orderId).toBe('2');
    expect(record.sequence).toBe(2);
  });
});
