// Deliveries per second through the RabbitMQ model beside a plain array-queue loop and the
// client-shaped floor, in the same run: npm run bench:sim -- rabbitmq
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSimulation, simRabbitMq, type SimAmqpMessage } from '../../src/public/sim.js';

// A full GC before each measured case, so one case's garbage is not collected on the next one's time.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const MESSAGES = 200_000;
const TARGET_PER_SECOND = 500_000;
const TARGET_RATIO = 0.25;
const KEYS = ['order.created', 'order.paid', 'order.shipped'];
let sink = 0;
// The same trivial handler, one copy per side, so no side's shapes slow another's inline caches.
const handler = (message: { content: Buffer }) => {
  sink += message.content.length;
};
const plainHandler = (message: { content: Buffer }) => {
  sink += message.content.length;
};
const floorHandler = (message: { content: Buffer }) => {
  sink += message.content.length;
};

interface Timing {
  deliverMs: number;
  totalMs: number;
}

/** The messages both references start from: each publish's content and routing key. */
function loadQueue(): { content: Buffer; routingKey: string }[] {
  const queue: { content: Buffer; routingKey: string }[] = [];
  for (let i = 0; i < MESSAGES; i++)
    queue.push({ content: Buffer.from(`{"orderId":"${i}"}`), routingKey: KEYS[i % 3]! });
  return queue;
}

/** The practical limit: push every message into an array, then hand each to the same handler and count the ack. */
function plainLoop(): Timing {
  const started = performance.now();
  const queue = loadQueue();
  const loaded = performance.now();
  let head = 0;
  let acked = 0;
  while (head < queue.length) {
    plainHandler(queue[head++]!);
    acked++;
  }
  const done = performance.now();
  if (acked !== MESSAGES) throw new Error('plain loop lost messages');
  return { deliverMs: done - loaded, totalMs: done - started };
}

/**
 * The client-shaped floor: the least any model that hands amqplib-shaped messages and takes acks
 * must do per delivery, and nothing else — the message as amqplib builds it (content, fields,
 * properties with their headers) and its delivery tag held until the ack, in a ring slot (cheaper
 * than any map). What it reaches beside the plain loop bounds what a model can reach.
 */
function clientFloor(): Timing {
  const started = performance.now();
  const queue = loadQueue();
  const loaded = performance.now();
  // Settlement kept in the cheapest structure there is: a slot per delivery tag in a ring.
  const unacked = new Array<{ content: Buffer; routingKey: string } | undefined>(1024).fill(undefined);
  let held = 0;
  let tag = 0;
  let head = 0;
  while (head < queue.length) {
    const stored = queue[head++]!;
    const deliveryTag = ++tag;
    unacked[deliveryTag & 1023] = stored;
    held++;
    floorHandler({
      content: stored.content,
      fields: {
        consumerTag: 'c1',
        deliveryTag,
        redelivered: false,
        exchange: 'shop',
        routingKey: stored.routingKey,
      },
      properties: {
        contentType: undefined,
        contentEncoding: undefined,
        headers: {},
        deliveryMode: undefined,
        priority: undefined,
        correlationId: undefined,
        replyTo: undefined,
        expiration: undefined,
        messageId: undefined,
        timestamp: undefined,
        type: undefined,
        userId: undefined,
        appId: undefined,
        clusterId: undefined,
      },
    } as { content: Buffer });
    if (unacked[deliveryTag & 1023] === stored) {
      unacked[deliveryTag & 1023] = undefined;
      held--;
    }
  }
  const done = performance.now();
  if (tag !== MESSAGES || held !== 0) throw new Error('the floor lost messages');
  return { deliverMs: done - loaded, totalMs: done - started };
}

type Case = { exchange: 'topic' | 'default'; prefetch: number; noAck: boolean; options?: boolean };

/** Publishes every message (topic exchange with 4 bindings, or the default exchange), then a consumer takes them all. */
async function model({ exchange, prefetch, noAck, options }: Case): Promise<Timing> {
  const sim = createSimulation({ seed: 1, trace: false });
  const rabbit = simRabbitMq(sim);
  const channel = await rabbit.createChannel();
  await channel.assertQueue('orders');
  if (exchange === 'topic') {
    await channel.assertExchange('shop', 'topic');
    await channel.assertQueue('refunds');
    await channel.assertQueue('cancellations');
    await channel.bindQueue('orders', 'shop', 'order.*');
    await channel.bindQueue('refunds', 'shop', 'refund.#');
    await channel.bindQueue('cancellations', 'shop', '*.cancelled');
    await channel.bindQueue('cancellations', 'shop', '#.void');
  }
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const content = Buffer.from(`{"orderId":"${i}"}`);
    if (options)
      channel.publish('shop', KEYS[i % 3]!, content, {
        messageId: `o-${i}`,
        persistent: true,
        headers: { type: 'OrderCreated' },
      });
    else if (exchange === 'topic') channel.publish('shop', KEYS[i % 3]!, content);
    else channel.sendToQueue('orders', content);
  }
  const loaded = performance.now();
  let delivered = 0;
  await channel.prefetch(prefetch);
  await channel.consume(
    'orders',
    (message: SimAmqpMessage | null) => {
      if (!message) return;
      delivered++;
      handler(message);
      if (!noAck) channel.ack(message);
    },
    { noAck },
  );
  await sim.runUntilIdle();
  const done = performance.now();
  if (delivered < MESSAGES) throw new Error(`only ${delivered} of ${MESSAGES} delivered`);
  if (rabbit.queueStats('orders').unacked !== 0) throw new Error('messages left unacked');
  return { deliverMs: done - loaded, totalMs: done - started };
}

const rounds = 5;
const best = (runs: Timing[]) => ({
  deliverMs: Math.min(...runs.map((r) => r.deliverMs)),
  totalMs: Math.min(...runs.map((r) => r.totalMs)),
});
const cases: [string, () => Promise<Timing> | Timing][] = [
  ['plain array-queue loop', plainLoop],
  ['client-shaped floor', clientFloor],
  ['topic routing, ack, prefetch 0', () => model({ exchange: 'topic', prefetch: 0, noAck: false })],
  ['topic routing, ack, prefetch 10', () => model({ exchange: 'topic', prefetch: 10, noAck: false })],
  ['topic routing, noAck', () => model({ exchange: 'topic', prefetch: 0, noAck: true })],
  [
    'topic, messageId+headers, ack',
    () => model({ exchange: 'topic', prefetch: 0, noAck: false, options: true }),
  ],
  ['default exchange, ack', () => model({ exchange: 'default', prefetch: 0, noAck: false })],
];
const results = new Map<string, Timing[]>();
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of cases) {
    const list = results.get(name) ?? [];
    collect();
    list.push(await run());
    results.set(name, list);
  }
}
const plain = best(results.get('plain array-queue loop')!);
const floor = best(results.get('client-shaped floor')!);
const perSecond = (ms: number) => (MESSAGES / ms) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
console.log(
  `RabbitMQ model, ${MESSAGES.toLocaleString('en-US')} messages, trivial sync handler, trace off, best of ${rounds} (Node ${process.version})`,
);
console.log(
  `${'case'.padEnd(32)}  ${'deliveries/s'.padStart(12)}  ${'publish+deliver/s'.padStart(17)}  ${'vs plain'.padStart(8)}  ${'vs floor'.padStart(8)}  ${'≥ 500k/s'.padEnd(8)}  ≥ 25% of plain`,
);
for (const [name] of cases) {
  const r = best(results.get(name)!);
  const rate = perSecond(r.deliverMs);
  const ratio = rate / perSecond(plain.deliverMs);
  const isModel = name !== 'plain array-queue loop' && name !== 'client-shaped floor';
  const absolute = !isModel ? '' : rate >= TARGET_PER_SECOND ? 'PASS' : 'FAIL';
  const relative = !isModel ? '' : ratio >= TARGET_RATIO ? 'PASS' : 'FAIL';
  console.log(
    `${name.padEnd(32)}  ${fmt(rate)}  ${fmt(perSecond(r.totalMs)).padStart(17)}  ${(ratio * 100).toFixed(1).padStart(7)}%  ${((floor.deliverMs / r.deliverMs) * 100).toFixed(1).padStart(7)}%  ${absolute.padEnd(8)}  ${relative}`,
  );
}
console.log(
  'client-shaped floor: only the amqplib-shaped message and its delivery tag held in a ring slot until the ack, per delivery (docs/sim-rabbitmq.md, Performance)',
);
if (sink < 0) console.log(sink);
