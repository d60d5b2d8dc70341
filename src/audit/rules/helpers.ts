import type { HelperReference } from '../model.js';

/**
 * The eventproof API that closes each gap, with two lines to paste. A helper marked `planned` ships
 * with a later release, and the audit says so plainly.
 */
export const HELPERS = {
  checkRoundTrip: {
    name: 'defineEvent + checkRoundTrip',
    module: 'eventproof',
    status: 'available',
    example: [
      "const OrderCreated = defineEvent('OrderCreated', orderCreatedSchema);",
      'checkRoundTrip(OrderCreated, { runs: 200, seed: 1 });',
    ],
  },
  recordingPublisher: {
    name: 'recordingPublisher + toHavePublished',
    module: 'eventproof/vitest',
    status: 'available',
    example: [
      'const publisher = recordingPublisher({ events: [OrderCreated] }); // pass it to the code under test',
      "expect(publisher).toHavePublished(OrderCreated, { orderId: '1' });",
    ],
  },
  toHavePublishedInOrder: {
    name: 'toHavePublishedInOrder',
    module: 'eventproof/vitest',
    status: 'available',
    example: [
      "await service.createOrder(input); await service.shipOrder('1', 'DHL');",
      'expect(publisher).toHavePublishedInOrder([OrderCreated, OrderShipped]);',
    ],
  },
  consumerHarness: {
    name: 'consumerHarness',
    module: 'eventproof',
    status: 'available',
    example: [
      'const consumer = consumerHarness(handler, { events: [OrderCreated] });',
      'await consumer.receive(OrderCreated.create(payload)); expect(consumer.processedCount).toBe(1);',
    ],
  },
  duplicateDelivery: {
    name: 'consumerHarness (deliver twice)',
    module: 'eventproof',
    status: 'available',
    example: [
      'const event = OrderCreated.create(payload); await consumer.receive(event); await consumer.receive(event);',
      'expect(orders.count()).toBe(1); // the duplicate changed nothing',
    ],
  },
  failing: {
    name: 'failing + consumerHarness',
    module: 'eventproof',
    status: 'available',
    example: [
      "const inventory = failing(realInventory, { reserve: { fail: Infinity } }); // or 'hang' for a timeout",
      'await consumer.receive(event).catch(() => {}); expect(consumer.retryQueue.count()).toBe(1);',
    ],
  },
  poison: {
    name: 'consumerHarness (poison → dead-letter queue)',
    module: 'eventproof',
    status: 'available',
    example: [
      "await consumer.receive(Buffer.from('not valid json'));",
      'expect(consumer.deadLetterQueue.count()).toBe(1); expect(consumer.processedCount).toBe(0);',
    ],
  },
  expectIdempotent: {
    name: 'expectIdempotent',
    module: 'eventproof',
    status: 'available',
    example: [
      'await expectIdempotent({ handler: () => new OrderHandler(), events: [created, paid],',
      '  observe: (h) => h.orderCount() }); // every duplicate/crash schedule on simulated Kafka, shrunk on failure',
    ],
  },
  expectOrdered: {
    name: 'expectOrdered / expectConvergent',
    module: 'eventproof',
    status: 'available',
    example: [
      'await expectOrdered({ handler: () => new OrderHandler(), events: [created, paid, shipped], observe: (h) => h.status });',
      'await expectConvergent({ handler: () => new OrderHandler(), events: [created, paid], observe: (h) => h.status });',
    ],
  },
  expectNoLoss: {
    name: 'expectNoLoss / expectPoisonDeadLettered',
    module: 'eventproof',
    status: 'available',
    example: [
      'await expectNoLoss({ handler: () => new OrderHandler({ inventory: failing(inventory, { reserve: { fail: 2 } }) }), events: [created] });',
      "await expectPoisonDeadLettered({ handler: () => new OrderHandler(), events: [created, 'not valid json'] });",
    ],
  },
  expectReplayEquivalent: {
    name: 'expectReplayEquivalent',
    module: 'eventproof',
    status: 'available',
    example: [
      'await expectReplayEquivalent({ handler: () => new RevenueProjection(), events: recordedEvents,',
      '  observe: (p) => p.total }); // rebuilt from the log equals live; replaying twice changes nothing',
    ],
  },
  probe: {
    name: 'broker probes (eventproof/kafka, eventproof/rabbitmq, eventproof/sqs)',
    module: 'eventproof/kafka',
    status: 'available',
    example: [
      "await using probe = await kafka.probe(); const orders = await probe.topic('orders');",
      'await probe.publish(orders, OrderCreated, payload); await probe.expect(orders).toReceive(OrderCreated, { count: 1 });',
    ],
  },
} as const satisfies Record<string, HelperReference>;
