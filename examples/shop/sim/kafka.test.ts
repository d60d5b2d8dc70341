import { describe, expect, it } from 'vitest';
import { eventRegistry, type EventType } from 'eventproof';
import { createSimulation, simKafka, type FaultSpec } from 'eventproof/sim';
import { shopEvents, type ShopEvent } from '../src/events.js';
import { InMemoryInventory } from '../src/inventory.js';
import { InventoryConsumer } from '../src/inventory-consumer.js';
import { OrderHandler } from '../src/order-handler.js';
import { OrderService } from '../src/order-service.js';
import { ORDERS_TOPIC, type Publisher } from '../src/publisher.js';

const registry = eventRegistry(shopEvents);
const ORDERS = 4;

/** The whole shop on the simulated Kafka: one service publishing, two consumer groups. */
async function runShop(seed: number, faults: readonly FaultSpec[]) {
  const sim = createSimulation({ seed, faults, startMs: Date.UTC(2026, 0, 1) });
  const kafka = simKafka(sim);
  kafka.createTopic(ORDERS_TOPIC, { partitions: 3 });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();

  // The shop's Publisher port, implemented over the kafkajs-shaped producer; the contract encodes.
  const publisher: Publisher = {
    async publish(topic, event, options) {
      const contract = (shopEvents as readonly EventType[]).find(
        (e) => e.name === (event as { type?: string }).type,
      );
      if (!contract) throw new Error(`no contract for ${JSON.stringify(event)}`);
      const wire = contract.encode(event, { key: options?.key, headers: options?.headers });
      await producer.send({
        topic,
        messages: [
          { key: wire.key ?? options?.key ?? null, value: Buffer.from(wire.value), headers: wire.headers },
        ],
      });
    },
  };
  let ids = 0;
  const service = new OrderService({ publisher, now: () => new Date(sim.now()), newId: () => `id-${++ids}` });

  const stock = { 'SKU-1': 100, 'SKU-2': 100 };
  const orderInventory = new InMemoryInventory(stock);
  const handler = new OrderHandler({ inventory: orderInventory });
  const reservations = new InMemoryInventory(stock);
  const inventoryConsumer = new InventoryConsumer(reservations);

  // kafkajs hands headers over as Buffers; the registry reads text headers.
  const decode = (value: Buffer | null, headers: Record<string, Buffer | Buffer[] | undefined>) =>
    registry.decode(
      value ?? '',
      Object.fromEntries(Object.entries(headers).map(([name, v]) => [name, String(v)])),
    ).payload as ShopEvent;
  const state = kafka.consumer({ groupId: 'order-state', sessionTimeoutMs: 10_000 });
  await state.subscribe({ topic: ORDERS_TOPIC, fromBeginning: true });
  await state.run({ eachMessage: ({ message }) => handler.handle(decode(message.value, message.headers)) });
  const stockKeeper = kafka.consumer({ groupId: 'inventory', sessionTimeoutMs: 10_000 });
  await stockKeeper.subscribe({ topic: ORDERS_TOPIC, fromBeginning: true });
  await stockKeeper.run({
    eachMessage: async ({ message }) => {
      const event = decode(message.value, message.headers);
      if (event.type === 'OrderCreated') await inventoryConsumer.handle(event);
    },
  });

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
  return { sim, kafka, handler, orderInventory, reservations, orderIds, result };
}

describe('the shop on the simulated Kafka', () => {
  const faults: FaultSpec[] = [
    { kind: 'duplicate', broker: 'kafka', probability: 0.3 },
    { kind: 'crash-before-ack', broker: 'kafka', probability: 0.1 },
  ];

  it('create → pay → ship for every order, with duplicates and crashes before commit: no order lost, none duplicated', async () => {
    const { sim, kafka, handler, orderInventory, orderIds, result } = await runShop(7, faults);
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
    // The faults did fire: some records reached a group more than once.
    expect(sim.trace.events.filter((e) => e.kind === 'redeliver').length).toBeGreaterThan(0);
    expect(sim.trace.events.some((e) => e.kind === 'fault' && e.detail?.includes('crash-before-ack'))).toBe(
      true,
    );
    expect(kafka.lag('order-state', 'orders').total).toBe(0);
    expect(kafka.lag('inventory', 'orders').total).toBe(0);
    expect(sim.ledger.all().every((e) => e.fate === 'acked')).toBe(true);
  });

  it('keeps each order’s events in one partition, in the order the service published them', async () => {
    const { kafka, orderIds } = await runShop(3, []);
    for (const id of orderIds) {
      const placed = [0, 1, 2].flatMap((p) =>
        kafka
          .records('orders', p)
          .filter((r) => r.key === id)
          .map((r) => ({ p, type: (JSON.parse(r.value!) as { type: string }).type })),
      );
      expect(new Set(placed.map((x) => x.p)).size).toBe(1);
      expect(placed.map((x) => x.type)).toEqual([
        'OrderCreated',
        'PaymentReceived',
        'OrderUpdated',
        'OrderShipped',
      ]);
    }
  });

  it('the plain InventoryConsumer is at-least-once, not idempotent: redelivered OrderCreated events reserve stock again', async () => {
    const { reservations, sim } = await runShop(7, faults);
    const reserved = 200 - reservations.available('SKU-1') - reservations.available('SKU-2');
    // Never less than one reservation per order (nothing lost) …
    expect(reserved).toBeGreaterThanOrEqual(2 * ORDERS);
    // … and, under this seed, more: the trace shows the redelivered OrderCreated that did it.
    const redeliveredCreates = sim.trace.events.filter(
      (e) => e.kind === 'redeliver' && e.detail?.startsWith('inventory'),
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
