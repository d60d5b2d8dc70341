import { describe, expect, it } from 'vitest';
import { eventRegistry, type EventType } from 'eventproof';
import { createSimulation, simRabbitMq, type FaultSpec, type SimAmqpMessage } from 'eventproof/sim';
import { shopEvents, type ShopEvent } from '../src/events.js';
import { InMemoryInventory } from '../src/inventory.js';
import { InventoryConsumer } from '../src/inventory-consumer.js';
import { OrderHandler } from '../src/order-handler.js';
import { OrderService } from '../src/order-service.js';
import { ORDERS_TOPIC, type Publisher } from '../src/publisher.js';

const registry = eventRegistry(shopEvents);
const ORDERS = 4;

/**
 * The whole shop on the simulated RabbitMQ: the service publishes to a topic exchange named after
 * the shop's topic, with the event type in the routing key (`orders.OrderCreated`); the order
 * state queue takes `orders.#`, the inventory queue only `orders.OrderCreated`; both dead-letter
 * what they reject to `orders.dlq`.
 */
async function runShop(
  seed: number,
  faults: readonly FaultSpec[],
  extra?: (publish: (body: Buffer) => void) => void,
) {
  const sim = createSimulation({ seed, faults, startMs: Date.UTC(2026, 0, 1) });
  const rabbit = simRabbitMq(sim);
  const connection = await rabbit.connect();
  const setup = await connection.createChannel();
  await setup.assertExchange(ORDERS_TOPIC, 'topic');
  await setup.assertExchange('orders.dlx', 'fanout');
  await setup.assertQueue('orders.dlq');
  await setup.bindQueue('orders.dlq', 'orders.dlx', '');
  await setup.assertQueue('order-state', { deadLetterExchange: 'orders.dlx' });
  await setup.assertQueue('inventory', { deadLetterExchange: 'orders.dlx' });
  await setup.bindQueue('order-state', ORDERS_TOPIC, `${ORDERS_TOPIC}.#`);
  await setup.bindQueue('inventory', ORDERS_TOPIC, `${ORDERS_TOPIC}.OrderCreated`);

  // The shop's Publisher port over an amqplib-shaped confirm channel; the contract encodes.
  const out = await connection.createConfirmChannel();
  const publisher: Publisher = {
    async publish(topic, event, options) {
      const contract = (shopEvents as readonly EventType[]).find(
        (e) => e.name === (event as { type?: string }).type,
      );
      if (!contract) throw new Error(`no contract for ${JSON.stringify(event)}`);
      const wire = contract.encode(event, { key: options?.key, headers: options?.headers });
      out.publish(topic, `${topic}.${contract.name}`, Buffer.from(wire.value), {
        headers: wire.headers,
        contentType: 'application/json',
        type: contract.name,
        persistent: true,
      });
      await out.waitForConfirms();
    },
  };
  let ids = 0;
  const service = new OrderService({ publisher, now: () => new Date(sim.now()), newId: () => `id-${++ids}` });

  const stock = { 'SKU-1': 100, 'SKU-2': 100 };
  const orderInventory = new InMemoryInventory(stock);
  const handler = new OrderHandler({ inventory: orderInventory });
  const reservations = new InMemoryInventory(stock);
  const inventoryConsumer = new InventoryConsumer(reservations);

  const headersOf = (m: SimAmqpMessage) =>
    Object.fromEntries(Object.entries(m.properties.headers).map(([k, v]) => [k, String(v)]));
  /** amqplib style: decode, handle, ack; a message that cannot be decoded is rejected to the DLQ (poison), never requeued. */
  const worker = async (queue: string, handle: (event: ShopEvent) => Promise<void>) => {
    const channel = await connection.createChannel();
    await channel.prefetch(5);
    let processed = 0;
    await channel.consume(queue, async (m) => {
      if (!m) return;
      let event: ShopEvent;
      try {
        event = registry.decode(m.content, headersOf(m)).payload as ShopEvent;
      } catch {
        channel.reject(m, false);
        return;
      }
      try {
        await handle(event);
        processed++;
        channel.ack(m);
      } catch {
        channel.nack(m, false, true);
      }
    });
    return { processed: () => processed };
  };
  const state = await worker('order-state', (event) => handler.handle(event));
  const stockKeeper = await worker('inventory', async (event) => {
    if (event.type === 'OrderCreated') await inventoryConsumer.handle(event);
  });
  extra?.((body) => out.publish(ORDERS_TOPIC, `${ORDERS_TOPIC}.OrderCreated`, body));

  // Checkouts happen inside the simulation, a few ms apart: create → pay → ship per order.
  const orderIds: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    sim.schedule(i * 5, `checkout ${i}`, () =>
      sim.track(
        (async () => {
          const id = await service.createOrder({
            userId: `user-${i}`,
            items: [{ sku: i % 2 ? 'SKU-2' : 'SKU-1', quantity: 2 }],
            amount: 10 + i,
            idempotencyKey: `checkout-${i}`,
          });
          orderIds.push(id);
          await service.recordPayment(id, `pay-${i}`, 10 + i);
          await service.shipOrder(id, 'DHL');
        })(),
        `checkout ${i}`,
      ),
    );
  }
  const result = await sim.runUntilIdle({ maxSteps: 100_000 });
  return { sim, rabbit, handler, orderInventory, reservations, orderIds, result, state, stockKeeper };
}

describe('the shop on the simulated RabbitMQ', () => {
  const faults: FaultSpec[] = [
    { kind: 'duplicate', broker: 'rabbitmq', probability: 0.3 },
    { kind: 'crash-before-ack', broker: 'rabbitmq', probability: 0.1 },
  ];

  it('create → pay → ship for every order, with duplicates and crashes before ack: no order lost, none duplicated', async () => {
    const { sim, rabbit, handler, orderInventory, orderIds, result } = await runShop(7, faults);
    expect(result).toMatchObject({ idle: true, stuck: [] });
    expect(orderIds).toHaveLength(ORDERS);
    expect(handler.orderCount()).toBe(ORDERS);
    for (const [i, id] of orderIds.entries()) {
      expect(handler.getOrder(id)).toMatchObject({
        status: 'shipped',
        paid: 10 + i,
        amount: 10 + i,
        userId: `user-${i}`,
      });
    }
    // The order handler reserves through its idempotency key: exactly 2 units per order, whatever was redelivered.
    expect(orderInventory.available('SKU-1') + orderInventory.available('SKU-2')).toBe(200 - 2 * ORDERS);
    // The faults did fire: messages came back with redelivered=true.
    expect(sim.trace.events.filter((e) => e.kind === 'redeliver').length).toBeGreaterThan(0);
    expect(sim.trace.events.some((e) => e.kind === 'fault' && e.detail?.includes('crash-before-ack'))).toBe(
      true,
    );
    // Settled on broker facts: nothing ready, nothing unacked, nothing dead-lettered; every copy acked.
    for (const q of ['order-state', 'inventory', 'orders.dlq'])
      expect(rabbit.queueStats(q)).toMatchObject({ ready: 0, unacked: 0 });
    expect(sim.ledger.all().every((e) => e.fate === 'acked')).toBe(true);
  });

  it('routes by key: the inventory queue receives only OrderCreated, the order state queue everything', async () => {
    const { sim, orderIds } = await runShop(3, []);
    const published = (queue: string) =>
      sim.trace.events
        .filter((e) => e.kind === 'publish' && e.where === `orders → ${queue}`)
        .map((e) => e.key);
    expect(published('inventory')).toEqual(orderIds.map(() => 'orders.OrderCreated'));
    expect(published('order-state')).toHaveLength(ORDERS * 4);
    expect(new Set(published('order-state'))).toEqual(
      new Set([
        'orders.OrderCreated',
        'orders.PaymentReceived',
        'orders.OrderUpdated',
        'orders.OrderShipped',
      ]),
    );
  });

  it('a poison message is dead-lettered, not processed and not requeued', async () => {
    const { rabbit, handler, state, stockKeeper } = await runShop(5, [], (publish) =>
      publish(Buffer.from('not valid json')),
    );
    const dead = rabbit.peek('orders.dlq');
    // Routed to both queues, rejected by both workers: two dead copies, each saying why and where.
    expect(
      dead.map((m) => [m.content.toString(), m.properties.headers['x-first-death-reason']]).sort(),
    ).toEqual([
      ['not valid json', 'rejected'],
      ['not valid json', 'rejected'],
    ]);
    expect(dead.map((m) => m.properties.headers['x-first-death-queue']).sort()).toEqual([
      'inventory',
      'order-state',
    ]);
    expect(handler.orderCount()).toBe(ORDERS);
    expect(state.processed()).toBe(ORDERS * 4);
    expect(stockKeeper.processed()).toBe(ORDERS);
  });

  it('the plain InventoryConsumer is at-least-once, not idempotent: redelivered OrderCreated events reserve stock again', async () => {
    const { reservations, sim } = await runShop(7, faults);
    const reserved = 200 - reservations.available('SKU-1') - reservations.available('SKU-2');
    expect(reserved).toBeGreaterThanOrEqual(2 * ORDERS);
    const redeliveredCreates = sim.trace.events.filter(
      (e) => e.kind === 'redeliver' && e.where === 'inventory',
    );
    expect(redeliveredCreates.length).toBeGreaterThan(0);
    expect(reserved).toBeGreaterThan(2 * ORDERS);
  });

  it('one seed gives the same run', async () => {
    const a = await runShop(11, faults);
    const b = await runShop(11, faults);
    expect(a.sim.trace.render()).toBe(b.sim.trace.render());
  });
});
