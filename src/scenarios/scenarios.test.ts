import { describe, expect, it } from 'vitest';
import { failing } from '../harness/failing.js';
import { OrderCreated, OrderShipped, OrderUpdated } from '../../examples/shop/src/events.js';
import { InMemoryInventory } from '../../examples/shop/src/inventory.js';
import { OrderHandler } from '../../examples/shop/src/order-handler.js';
import { brokenShops, correctShop } from '../../examples/shop/src/variants.js';
import { ExplorationFailedError } from '../explore/explorer.js';
import { expectConvergent } from './expect-convergent.js';
import { expectIdempotent } from './expect-idempotent.js';
import { expectNoLoss } from './expect-no-loss.js';
import { expectOrdered } from './expect-ordered.js';
import { expectPoisonDeadLettered } from './expect-poison-dead-lettered.js';

const created = (orderId: string) =>
  OrderCreated.create({
    orderId,
    userId: 'u1',
    items: [{ sku: 'ABC', quantity: 1 }],
    amount: 10,
    idempotencyKey: `key-${orderId}`,
    createdAt: '2026-11-24T10:00:00.000Z',
  });
const paid = (orderId: string) => OrderUpdated.create({ orderId, status: 'paid', version: 2 });
const shipped = (orderId: string) =>
  OrderShipped.create({ orderId, carrier: 'DHL', shippedAt: '2026-11-24T12:00:00.000Z' });
const orders = (h: OrderHandler) => ({
  count: h.orderCount(),
  one: h.getOrder('1')?.status,
  two: h.getOrder('2')?.status,
});

describe('expectIdempotent', () => {
  const events = [created('1'), paid('1'), created('2')];
  it('passes the shop handler under duplicates and crashes before the ack', async () => {
    const [report] = await expectIdempotent({
      handler: () => correctShop.orderHandler(),
      events,
      observe: orders,
      runs: 100,
      seed: 1,
    });
    expect(report!.valid).toBe(true);
  });
  it('catches a handler that inserts a row per message', async () => {
    const failure = await expectIdempotent({
      handler: () => brokenShops.notIdempotent.orderHandler(),
      events,
      observe: orders,
      runs: 100,
      seed: 1,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExplorationFailedError);
    expect((failure as Error).message).toMatch(/after duplicates: observed \{ count: 3/);
    expect((failure as Error).message).toMatch(/replay: EVENTPROOF_SEED=1 EVENTPROOF_REPLAY=/);
  });
});

describe('expectConvergent', () => {
  const events = [created('1'), paid('1'), shipped('1')];
  it('passes the shop handler whatever order the events arrive in', async () => {
    await expectConvergent({
      handler: () => correctShop.orderHandler(),
      events,
      observe: orders,
      runs: 100,
      seed: 2,
    });
  });
  it('catches last-write-wins', async () => {
    await expect(
      expectConvergent({
        handler: () => brokenShops.lastWriteWins.orderHandler(),
        events,
        observe: orders,
        runs: 100,
        seed: 2,
      }),
    ).rejects.toThrow(/after out-of-order delivery/);
  });
});

describe('expectNoLoss', () => {
  const handlerWith = (variant: typeof correctShop) => () =>
    variant.orderHandler({
      inventory: failing(new InMemoryInventory({ ABC: 100 }), { reserve: { fail: 2 } }),
    });
  it('passes the shop handler when the inventory fails twice', async () => {
    await expectNoLoss({
      handler: handlerWith(correctShop),
      events: [created('1'), created('2')],
      observe: orders,
      runs: 100,
      seed: 3,
    });
  });
  it('catches a handler that swallows the failure and acks', async () => {
    await expect(
      expectNoLoss({
        handler: handlerWith(brokenShops.swallowsErrors),
        events: [created('1'), created('2')],
        observe: orders,
        runs: 100,
        seed: 3,
      }),
    ).rejects.toThrow(/after partial failures/);
  });
});

describe('expectPoisonDeadLettered', () => {
  it('passes when poison is dead-lettered and valid events are consumed', async () => {
    await expectPoisonDeadLettered({
      handler: () => correctShop.orderHandler(),
      events: [created('1'), 'not valid json', '{"type":"OrderCreated","orderId":42}', created('2')],
      runs: 50,
      seed: 4,
    });
  });
  it('catches a lax contract that lets poison reach the handler', async () => {
    await expect(
      expectPoisonDeadLettered({
        handler: () => brokenShops.laxContract.orderHandler(),
        events: ['{"type":"OrderCreated","orderId":42}'],
        contracts: brokenShops.laxContract.events.all,
        runs: 50,
        seed: 4,
      }),
    ).rejects.toThrow(/poison-processed|poison-retried/);
  });
});

describe('expectOrdered', () => {
  it('passes a handler that processes each message before the next', async () => {
    await expectOrdered({
      handler: () => new OrderHandler(),
      events: [created('1'), paid('1'), shipped('1')],
      observe: orders,
      runs: 100,
      seed: 5,
    });
  });
  it('catches a handler that processes in parallel, in the background', async () => {
    // Applies each event on a timer and acks at once: a slow OrderCreated is overtaken by its update.
    const background = () => {
      const applied: string[] = [];
      return {
        applied,
        handle: (event: { type: string }) => {
          setTimeout(() => applied.push(event.type), event.type === 'OrderCreated' ? 50 : 1);
        },
      };
    };
    await expect(
      expectOrdered({
        handler: background,
        events: [created('1'), paid('1')],
        observe: (h) => h.applied,
        runs: 50,
        seed: 5,
      }),
    ).rejects.toThrow(/observed \[ 'OrderUpdated', 'OrderCreated' \]/);
  });
});

describe('on every broker model', () => {
  const events = [created('1'), paid('1'), created('2')];
  it.each(['kafka', 'rabbitmq', 'sqs', 'sqs-fifo'] as const)(
    '%s: idempotency holds for the shop and fails for the broken build',
    async (broker) => {
      await expectIdempotent({
        handler: () => correctShop.orderHandler(),
        events,
        observe: orders,
        broker,
        runs: 100,
        seed: 6,
      });
      await expect(
        expectIdempotent({
          handler: () => brokenShops.notIdempotent.orderHandler(),
          events,
          observe: orders,
          broker,
          runs: 100,
          seed: 6,
        }),
      ).rejects.toThrow(new RegExp(`duplicates change nothing on ${broker}`));
    },
  );

  it.each(['kafka', 'rabbitmq', 'sqs', 'sqs-fifo'] as const)(
    '%s: poison is dead-lettered and the rest consumed',
    async (broker) => {
      await expectPoisonDeadLettered({
        handler: () => correctShop.orderHandler(),
        events: [created('1'), 'not valid json', created('2')],
        broker,
        runs: 50,
        seed: 6,
      });
    },
  );
});

describe('what the broker guarantees decides what a handler must cope with', () => {
  it('per-key order holds on a FIFO queue and is not promised on a standard one', async () => {
    const events = [created('1'), paid('1'), shipped('1')];
    await expectOrdered({
      handler: () => correctShop.orderHandler(),
      events,
      observe: orders,
      broker: 'sqs-fifo',
      runs: 100,
      seed: 7,
    });
    // The shop's handler converges whatever the order, so it passes on a standard queue too …
    await expectConvergent({
      handler: () => correctShop.orderHandler(),
      events,
      observe: orders,
      broker: 'sqs',
      runs: 100,
      seed: 7,
    });
    // … but a handler that needs publish order is caught there.
    await expect(
      expectConvergent({
        handler: () => brokenShops.lastWriteWins.orderHandler(),
        events,
        observe: orders,
        broker: 'sqs',
        runs: 100,
        seed: 7,
      }),
    ).rejects.toThrow(ExplorationFailedError);
  });
});
