import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../contracts/define-event.js';
import { AssertionFailedError, TimeoutError } from '../errors.js';
import { destinationExpectation, type Observation } from './expectation.js';
import { Inbox } from './inbox.js';

const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string(), amount: z.number() }), {
  key: (o) => o.orderId,
});
const OrderShipped = defineEvent('OrderShipped', z.object({ orderId: z.string() }));

/** A destination fed by hand: `deliver` is what the broker would hand the probe. */
function fakeDestination(onCaughtUp: () => void = () => undefined) {
  const inbox = new Inbox('orders');
  const observation: Observation = {
    broker: 'kafka',
    inbox,
    start: () => Promise.resolve(),
    caughtUp: () => {
      onCaughtUp();
      return Promise.resolve(undefined);
    },
  };
  const deliver = (wire: { value: Uint8Array; headers: Record<string, string>; key?: string | undefined }) =>
    inbox.add(wire.value, wire.headers, wire.key, {});
  return { inbox, expectation: destinationExpectation(observation), deliver };
}

describe('toReceive', () => {
  it('resolves with a message that arrives while waiting, decoded through its contract', async () => {
    const { expectation, deliver } = fakeDestination();
    setTimeout(() => deliver(OrderCreated.encode({ orderId: '1', amount: 5 })), 10);
    const [message] = await expectation.toReceive(OrderCreated, { timeoutMs: 500 });
    expect(message?.payload).toEqual({ orderId: '1', amount: 5 });
    expect(message?.key).toBe('1');
  });

  it('does not hand the same message to two expectations', async () => {
    const { expectation, deliver } = fakeDestination();
    deliver(OrderCreated.encode({ orderId: '1', amount: 5 }));
    await expectation.toReceive(OrderCreated);
    await expect(expectation.toReceive(OrderCreated, { timeoutMs: 30 })).rejects.toThrow(TimeoutError);
  });

  it('times out listing near misses: same type with other fields first, then other types, then poison', async () => {
    const { expectation, deliver } = fakeDestination();
    deliver({ value: new TextEncoder().encode('not valid json'), headers: { 'event-type': 'OrderCreated' } });
    deliver(OrderShipped.encode({ orderId: '1' }));
    deliver(OrderCreated.encode({ orderId: '2', amount: 5 }));
    const error = (await expectation
      .toReceive({ event: OrderCreated, where: { orderId: '1' } }, { timeoutMs: 20 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.nearMisses).toHaveLength(3);
    expect(error.message.split('\n').slice(1)).toEqual([
      'Received instead, nearest first:',
      '  #3 OrderCreated to "orders" key "2": orderId: expected "1", received "2"',
      '  #2 OrderShipped to "orders" (another type): {"orderId":"1"}',
      '  #1 poison to "orders" (invalid-json): bytes "not valid json"',
    ]);
    expect(error.message.split('\n')[0]).toBe(
      '[eventproof] Failed to receive OrderCreated matching {"orderId":"1"} on "orders" (kafka): 0 of 1 arrived within 20 ms. Check the code under test publishes to this destination and that the match is right.',
    );
  });

  it('names a key mismatch as the nearest miss', async () => {
    const { expectation, deliver } = fakeDestination();
    deliver(OrderCreated.encode({ orderId: '1', amount: 5 }));
    await expect(
      expectation.toReceive({ event: OrderCreated, key: 'other' }, { timeoutMs: 20 }),
    ).rejects.toThrow('#1 OrderCreated to "orders" key "1": key: expected "other", received "1"');
  });

  it('says so when nothing at all arrived, and what the probe saw go wrong', async () => {
    const { expectation, inbox } = fakeDestination();
    inbox.problem(new Error('read ECONNRESET'));
    const error = (await expectation
      .toReceive(OrderCreated, { timeoutMs: 20 })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('Nothing else was received.');
    expect(error.message).toMatch(/While waiting, the probe saw:\n {2}\d\d:\d\d:\d\d\.\d{3} read ECONNRESET/);
  });

  it('reports a problem once: the next assertion shows only what went wrong after it', async () => {
    const { expectation, inbox } = fakeDestination();
    inbox.problem(new Error('read ECONNRESET'));
    await expect(expectation.toReceive(OrderCreated, { timeoutMs: 10 })).rejects.toThrow(/ECONNRESET/);
    const later = (await expectation
      .toReceive(OrderCreated, { timeoutMs: 10 })
      .catch((e: unknown) => e)) as Error;
    expect(later.message).not.toContain('While waiting');
  });

  it('fails "exactly N" when extras are found once the probe has caught up with the broker', async () => {
    const dup = OrderCreated.encode({ orderId: '1', amount: 5 });
    const { expectation, deliver } = fakeDestination(() => deliver(dup));
    deliver(dup);
    const error = await expectation.toReceive(OrderCreated, { count: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssertionFailedError);
    expect((error as Error).message).toContain('receive exactly 1 × OrderCreated on "orders": 2 arrived.');
  });

  it('accepts extras with atLeast', async () => {
    const dup = OrderCreated.encode({ orderId: '1', amount: 5 });
    const { expectation, deliver } = fakeDestination(() => deliver(dup));
    deliver(dup);
    expect(await expectation.toReceive(OrderCreated, { count: 1, atLeast: true })).toHaveLength(1);
  });

  it('tests no arrival while fewer than count have come, then each of them once', async () => {
    const { expectation, deliver } = fakeDestination();
    let tested = 0;
    const counting = () => (tested++, true);
    const waiting = expectation.toReceive(counting, { count: 3, timeoutMs: 500 });
    deliver(OrderCreated.encode({ orderId: '1', amount: 1 }));
    deliver(OrderCreated.encode({ orderId: '2', amount: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(tested).toBe(0);
    deliver(OrderCreated.encode({ orderId: '3', amount: 3 }));
    expect(await waiting).toHaveLength(3);
    expect(tested).toBe(3);
  });

  it('still lists near misses when fewer than count arrived', async () => {
    const { expectation, deliver } = fakeDestination();
    deliver(OrderShipped.encode({ orderId: '1' }));
    const error = (await expectation
      .toReceive(OrderCreated, { count: 2, timeoutMs: 20 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('0 of 2 arrived within 20 ms');
    expect(error.message).toContain('#1 OrderShipped to "orders" (another type)');
  });

  it('decodes a message that does not count once, though the timeout reports it', async () => {
    const { expectation, deliver } = fakeDestination();
    const decode = vi.spyOn(OrderCreated, 'decode');
    deliver(OrderCreated.encode({ orderId: '2', amount: 5 }));
    await expect(
      expectation.toReceive({ event: OrderCreated, where: { orderId: '1' } }, { timeoutMs: 20 }),
    ).rejects.toThrow('orderId: expected "1", received "2"');
    expect(decode).toHaveBeenCalledTimes(1);
    decode.mockRestore();
  });

  it('matches raw messages by predicate and by partial JSON payload', async () => {
    const { expectation, deliver } = fakeDestination();
    deliver({ value: new TextEncoder().encode('{"a":1,"b":2}'), headers: {} });
    deliver({ value: new TextEncoder().encode('plain'), headers: { trace: 'x' } });
    expect(await expectation.toReceive({ where: { a: 1 } })).toHaveLength(1);
    expect(await expectation.toReceive({ headers: { trace: 'x' } })).toHaveLength(1);
    await expect(expectation.toReceive((m) => m.payload === 'nope', { timeoutMs: 20 })).rejects.toThrow(
      /a message matching the predicate/,
    );
  });
});

describe('a predicate, where or decode that throws', () => {
  it('rejects its assertion, stops listening, and never throws into the delivering callback', async () => {
    const { expectation, deliver, inbox } = fakeDestination();
    const waiting = expectation.toReceive((m) => (m.payload as { order: { id: string } }).order.id === '1', {
      timeoutMs: 1000,
    });
    await Promise.resolve();
    const started = Date.now();
    expect(() => deliver({ value: new TextEncoder().encode('"just text"'), headers: {} })).not.toThrow();
    await expect(waiting).rejects.toThrow(TypeError);
    expect(Date.now() - started).toBeLessThan(500);
    // Unregistered: later arrivals do not run the predicate again.
    expect(() => deliver({ value: new TextEncoder().encode('"more text"'), headers: {} })).not.toThrow();
    expect((inbox as unknown as { listeners: Set<unknown> }).listeners.size).toBe(0);
  });

  it('a decode that throws something other than a DecodeError rejects the assertion', async () => {
    const { expectation, deliver } = fakeDestination();
    const decode = vi.spyOn(OrderCreated, 'decode').mockImplementation(() => {
      throw new RangeError('decoder bug');
    });
    try {
      const waiting = expectation.toReceive(OrderCreated, { timeoutMs: 1000 });
      await Promise.resolve();
      expect(() => deliver(OrderShipped.encode({ orderId: '1' }))).not.toThrow();
      await expect(waiting).rejects.toThrow('decoder bug');
    } finally {
      decode.mockRestore();
    }
  });
});

describe('concurrent assertions on one destination', () => {
  it('hand a message to one of them only, even when both found it before either claimed it', async () => {
    const inbox = new Inbox('orders');
    const expectation = destinationExpectation({
      broker: 'rabbitmq',
      inbox,
      start: () => Promise.resolve(),
      // Both assertions wait here with the same message found.
      caughtUp: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 20)),
    });
    const wire = OrderCreated.encode({ orderId: '1', amount: 5 });
    inbox.add(wire.value, wire.headers, wire.key, {});
    const [a, b] = await Promise.allSettled([
      expectation.toReceive(OrderCreated, { timeoutMs: 200 }),
      expectation.toReceive(OrderCreated, { timeoutMs: 200 }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
  });
});

describe('toReceiveNothing', () => {
  it('passes when nothing arrives in the window', async () => {
    const { expectation } = fakeDestination();
    await expectation.toReceiveNothing({ withinMs: 20 });
  });

  it('fails as soon as something arrives, showing it', async () => {
    const { expectation, deliver } = fakeDestination();
    setTimeout(() => deliver(OrderCreated.encode({ orderId: '9', amount: 1 })), 5);
    const started = performance.now();
    await expect(expectation.toReceiveNothing({ withinMs: 1000 })).rejects.toThrow(
      /1 arrived\. The code under test published when it should not have\.\n {2}#1 \(message\)/,
    );
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('counts only matching messages when given a match', async () => {
    const { expectation, deliver } = fakeDestination();
    deliver(OrderShipped.encode({ orderId: '1' }));
    await expectation.toReceiveNothing({ withinMs: 20, match: OrderCreated });
  });

  it('fails, rather than passes, when the destination was deleted while observed', async () => {
    const inbox = new Inbox('orders');
    const expectation = destinationExpectation({
      broker: 'rabbitmq',
      inbox,
      start: () => Promise.resolve(),
      caughtUp: () => Promise.resolve(undefined),
      gone: () => 'the queue orders was deleted',
    });
    await expect(expectation.toReceiveNothing({ withinMs: 10 })).rejects.toThrow(
      /could not tell: the queue orders was deleted/,
    );
  });
  it('fails, rather than passes, when the probe could not read everything the broker holds', async () => {
    const inbox = new Inbox('orders');
    const expectation = destinationExpectation({
      broker: 'rabbitmq',
      inbox,
      start: () => Promise.resolve(),
      caughtUp: () => Promise.resolve('1 message(s) were still ready in orders after 2000 ms'),
    });
    await expect(expectation.toReceiveNothing({ withinMs: 10 })).rejects.toThrow(
      /could not tell: 1 message\(s\) were still ready in orders/,
    );
  });
});
