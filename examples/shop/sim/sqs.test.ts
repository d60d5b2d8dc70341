import { describe, expect, it } from 'vitest';
import { eventRegistry, type EventType } from 'eventproof';
import { createSimulation, simSns, simSqs, type FaultSpec, type SqsMessage } from 'eventproof/sim';
import { shopEvents, type ShopEvent } from '../src/events.js';
import { InMemoryInventory } from '../src/inventory.js';
import { InventoryConsumer } from '../src/inventory-consumer.js';
import { OrderHandler } from '../src/order-handler.js';
import { OrderService } from '../src/order-service.js';
import type { Publisher } from '../src/publisher.js';

const registry = eventRegistry(shopEvents);
const ORDERS = 4;
const contractOf = (event: object) => {
  const contract = (shopEvents as readonly EventType[]).find(
    (e) => e.name === (event as { type?: string }).type,
  );
  if (!contract) throw new Error(`no contract for ${JSON.stringify(event)}`);
  return contract;
};
/** Headers travel as SQS/SNS message attributes; the body is the encoded event. */
const toAttributes = (headers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
const decode = (message: SqsMessage) =>
  registry.decode(
    message.Body,
    Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? '']),
    ),
  ).payload as ShopEvent;

/**
 * The shop on simulated AWS: the service publishes to an SNS topic (FIFO, grouped by order id, or
 * standard) that fans out to two SQS queues, one per consumer, each drained by an sqs-consumer-style consumer.
 */
async function runShop(seed: number, fifo: boolean, faults: readonly FaultSpec[], batchSize = 10) {
  const sim = createSimulation({ seed, faults, startMs: Date.UTC(2026, 0, 1) });
  const sqs = simSqs(sim);
  const sns = simSns(sim, sqs);
  const suffix = fifo ? '.fifo' : '';
  const { TopicArn } = await sns.createTopic({
    Name: `orders${suffix}`,
    Attributes: fifo ? { FifoTopic: 'true' } : {},
  });
  const queueAttributes = { VisibilityTimeout: '5', ...(fifo ? { FifoQueue: 'true' } : {}) };
  const stateQueue = (
    await sqs.createQueue({ QueueName: `order-state${suffix}`, Attributes: queueAttributes })
  ).QueueUrl;
  const stockQueue = (await sqs.createQueue({ QueueName: `inventory${suffix}`, Attributes: queueAttributes }))
    .QueueUrl;
  for (const queue of [stateQueue, stockQueue]) {
    await sns.subscribe({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: sqs.queueArn(queue),
      Attributes: { RawMessageDelivery: 'true' },
    });
  }

  let published = 0;
  const publisher: Publisher = {
    async publish(_topic, event, options) {
      const wire = contractOf(event).encode(event, { key: options?.key, headers: options?.headers });
      published++;
      await sns.publish({
        TopicArn,
        Message: Buffer.from(wire.value).toString('utf8'),
        MessageAttributes: toAttributes(wire.headers),
        // FIFO: one group per order keeps its events in order; the deduplication id makes a retried publish harmless.
        ...(fifo
          ? { MessageGroupId: wire.key ?? options?.key, MessageDeduplicationId: `event-${published}` }
          : {}),
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
  const options = { batchSize, messageAttributeNames: ['All'] };
  sqs.consume(stateQueue, (message) => handler.handle(decode(message)), options);
  sqs.consume(
    stockQueue,
    async (message) => {
      const event = decode(message);
      if (event.type === 'OrderCreated') await inventoryConsumer.handle(event);
    },
    options,
  );

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
  return {
    sim,
    sqs,
    handler,
    orderInventory,
    reservations,
    orderIds,
    result,
    queues: [stateQueue, stockQueue],
  };
}

const faults: FaultSpec[] = [
  { kind: 'duplicate', broker: 'sqs', probability: 0.3 },
  { kind: 'crash-before-ack', broker: 'sqs', probability: 0.2 },
  { kind: 'reorder', broker: 'sqs', probability: 0.5 },
];

describe('the shop on simulated SNS → SQS', () => {
  // FIFO queues hand a group's messages over one batch at a time; the standard-queue flow takes one
  // message at a time, and the concurrent-batch case has its own test below.
  for (const fifo of [true, false]) {
    it(`create → pay → ship on ${fifo ? 'FIFO' : 'standard'} queues, with duplicates and crashes before delete: no order lost, none duplicated`, async () => {
      const { sim, sqs, handler, orderInventory, reservations, orderIds, result, queues } = await runShop(
        fifo ? 3 : 4,
        fifo,
        faults,
        fifo ? 10 : 1,
      );
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
      // The order handler reserves behind its idempotency key: 2 units per order, whatever was redelivered.
      expect(orderInventory.available('SKU-1') + orderInventory.available('SKU-2')).toBe(200 - 2 * ORDERS);
      // Every message was deleted in the end; the queues are empty.
      for (const queue of queues) expect(sqs.inspect(queue).messages).toEqual([]);
      expect(sim.ledger.all().every((e) => e.fate === 'acked')).toBe(true);
      // The faults did fire: messages came back after a crash before their delete.
      expect(
        sim.trace.events.some((e) => e.kind === 'fault' && e.detail?.includes('crashed before deleting')),
      ).toBe(true);
      expect(sim.trace.events.some((e) => e.kind === 'redeliver')).toBe(true);
      // The inventory consumer is not idempotent: redelivered OrderCreated events reserve again. The
      // simulator shows it — on a standard queue duplicates make it over-reserve.
      const reserved = 200 - (reservations.available('SKU-1') + reservations.available('SKU-2'));
      expect(reserved).toBeGreaterThanOrEqual(2 * ORDERS);
    });
  }

  it('two copies of one OrderCreated handled concurrently in a batch reserve stock once', async () => {
    // sqs-consumer runs a batch's handlers in parallel. OrderHandler claims the idempotency key before
    // its first await; it used to record it after awaiting the inventory, and the simulator found
    // copies that both reserved stock (examples/known-bugs: "a dedup store not atomic with the effect").
    const { sim, orderInventory } = await runShop(4, false, faults, 10);
    const reserved = 200 - (orderInventory.available('SKU-1') + orderInventory.available('SKU-2'));
    expect(reserved).toBe(2 * ORDERS);
    expect(sim.trace.events.some((e) => e.detail?.includes('second copy'))).toBe(true);
  });

  it('keeps each order’s events in publish order on FIFO queues', async () => {
    const { sim } = await runShop(9, true, faults);
    const delivered = sim.trace.events.filter((e) => e.kind === 'deliver' && e.where === 'order-state.fifo');
    const byOrder = new Map<string, string[]>();
    for (const event of delivered)
      byOrder.set(event.key!, [...(byOrder.get(event.key!) ?? []), event.message!]);
    for (const messages of byOrder.values()) {
      expect(messages).toEqual([...messages].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    }
    expect(byOrder.size).toBe(ORDERS);
  });
});
