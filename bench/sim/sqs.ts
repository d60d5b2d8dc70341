// Deliveries per second through the SQS model beside a plain array-queue loop and the client-shaped
// floor, in the same run: npm run bench:sim -- sqs
import { createSimulation, simSqs } from '../../src/public/sim.js';

const MESSAGES = 200_000;
const TARGET_PER_SECOND = 1_000_000;
const TARGET_RATIO = 0.25;
let sink = 0;
// The same trivial handler, one copy per side, so no side's shapes slow another's inline caches.
const handler = (message: { Body: string }) => {
  sink += message.Body.length;
};
const plainHandler = (message: { Body: string }) => {
  sink += message.Body.length;
};
const floorHandler = (message: { Body: string }) => {
  sink += message.Body.length;
};

/** The practical limit: push every message into an array, then shift each into the same handler. */
function plainLoop(): { deliverMs: number; totalMs: number } {
  const started = performance.now();
  const queue: { Body: string }[] = [];
  for (let i = 0; i < MESSAGES; i++) queue.push({ Body: `{"orderId":"${i}"}` });
  const loaded = performance.now();
  let head = 0;
  while (head < queue.length) plainHandler(queue[head++]!);
  const done = performance.now();
  return { deliverMs: done - loaded, totalMs: done - started };
}

/**
 * The client-shaped floor: the least any model that hands SDK-shaped messages and takes deletes must
 * do per delivery, and nothing else — a received message (MessageId, Body, its receipt) and the
 * message held in flight until its delete, in a ring slot (cheaper than any map). What it reaches
 * beside the plain loop bounds what a model can reach.
 */
function clientFloor(): { deliverMs: number; totalMs: number } {
  const started = performance.now();
  const queue: { MessageId: string; Body: string }[] = [];
  for (let i = 0; i < MESSAGES; i++) queue.push({ MessageId: `m${i}`, Body: `{"orderId":"${i}"}` });
  const loaded = performance.now();
  // In flight in the cheapest structure there is: a slot per receipt in a ring.
  const inFlight = new Array<{ MessageId: string; Body: string } | undefined>(1024).fill(undefined);
  let held = 0;
  let receipt = 0;
  let head = 0;
  while (head < queue.length) {
    const stored = queue[head++]!;
    const received = { MessageId: stored.MessageId, Body: stored.Body, receipt: ++receipt };
    inFlight[received.receipt & 1023] = stored;
    held++;
    floorHandler(received);
    if (inFlight[received.receipt & 1023] === stored) {
      inFlight[received.receipt & 1023] = undefined;
      held--;
    }
  }
  const done = performance.now();
  if (receipt !== MESSAGES || held !== 0) throw new Error('the floor lost messages');
  return { deliverMs: done - loaded, totalMs: done - started };
}

/** Sends in batches of 10, then a consumer (batchSize 10, sync handler) receives and deletes every message. */
async function model(
  queueType: 'standard' | 'fifo',
  rates: 'default' | 'off',
): Promise<{ deliverMs: number; totalMs: number }> {
  const sim = createSimulation({ seed: 1, trace: false });
  const sqs = simSqs(
    sim,
    rates === 'off' ? { standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0 } } : {},
  );
  const fifo = queueType === 'fifo';
  const { QueueUrl } = await sqs.createQueue(
    fifo ? { QueueName: 'bench.fifo', Attributes: { FifoQueue: 'true' } } : { QueueName: 'bench' },
  );
  const started = performance.now();
  const entries = Array.from({ length: 10 }, (_, i) => ({
    Id: `e${i}`,
    MessageBody: '',
    MessageGroupId: fifo ? `g${i % 10}` : undefined,
    MessageDeduplicationId: undefined as string | undefined,
  }));
  for (let i = 0; i < MESSAGES; i += 10) {
    for (let j = 0; j < 10; j++) {
      const entry = entries[j]!;
      entry.MessageBody = `{"orderId":"${i + j}"}`;
      if (fifo) entry.MessageDeduplicationId = `d${i + j}`;
    }
    await sqs.sendMessageBatch({ QueueUrl, Entries: entries });
  }
  const loaded = performance.now();
  let delivered = 0;
  sqs.consume(
    QueueUrl,
    (message) => {
      delivered++;
      handler(message);
    },
    { batchSize: 10 },
  );
  await sim.runUntilIdle();
  const done = performance.now();
  if (delivered < MESSAGES) throw new Error(`only ${delivered} of ${MESSAGES} delivered`);
  return { deliverMs: done - loaded, totalMs: done - started };
}

/** The SDK-shaped path a hand-written poller takes: receiveMessage (10 at a time), then deleteMessageBatch. */
async function apiLoop(): Promise<{ deliverMs: number; totalMs: number }> {
  const sim = createSimulation({ seed: 1, trace: false });
  const sqs = simSqs(sim, { standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0 } });
  const { QueueUrl } = await sqs.createQueue({ QueueName: 'bench' });
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i += 10) {
    await sqs.sendMessageBatch({
      QueueUrl,
      Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `e${j}`, MessageBody: `{"orderId":"${i + j}"}` })),
    });
  }
  const loaded = performance.now();
  let delivered = 0;
  for (;;) {
    const { Messages } = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
    if (!Messages) break;
    for (const message of Messages) handler(message);
    delivered += Messages.length;
    await sqs.deleteMessageBatch({
      QueueUrl,
      Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
    });
  }
  const done = performance.now();
  if (delivered < MESSAGES) throw new Error(`only ${delivered} of ${MESSAGES} delivered`);
  return { deliverMs: done - loaded, totalMs: done - started };
}

const rounds = 5;
const best = (runs: { deliverMs: number; totalMs: number }[]) => ({
  deliverMs: Math.min(...runs.map((r) => r.deliverMs)),
  totalMs: Math.min(...runs.map((r) => r.totalMs)),
});
const cases: [
  string,
  () => Promise<{ deliverMs: number; totalMs: number }> | { deliverMs: number; totalMs: number },
][] = [
  ['plain array-queue loop', plainLoop],
  ['client-shaped floor', clientFloor],
  ['SQS standard, default rates', () => model('standard', 'default')],
  ['SQS standard, anomalies off', () => model('standard', 'off')],
  ['SQS FIFO (10 groups)', () => model('fifo', 'off')],
  ['SQS receive + deleteBatch API', apiLoop],
];
const results = new Map<string, { deliverMs: number; totalMs: number }[]>();
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of cases) {
    const list = results.get(name) ?? [];
    list.push(await run());
    results.set(name, list);
  }
}
const plain = best(results.get('plain array-queue loop')!);
const floor = best(results.get('client-shaped floor')!);
const perSecond = (ms: number) => (MESSAGES / ms) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
console.log(
  `SQS model, ${MESSAGES.toLocaleString('en-US')} messages, trivial sync handler, trace off, best of ${rounds} (Node ${process.version})`,
);
console.log(
  `${'case'.padEnd(30)}  ${'deliveries/s'.padStart(12)}  ${'send+deliver/s'.padStart(14)}  ${'vs plain'.padStart(8)}  ${'vs floor'.padStart(8)}  verdict`,
);
for (const [name] of cases) {
  const r = best(results.get(name)!);
  const rate = perSecond(r.deliverMs);
  const ratio = rate / perSecond(plain.deliverMs);
  const isModel =
    name !== 'plain array-queue loop' &&
    name !== 'client-shaped floor' &&
    name !== 'SQS receive + deleteBatch API';
  const verdict = !isModel
    ? name === 'plain array-queue loop'
      ? '(peer)'
      : name === 'client-shaped floor'
        ? '(bound)'
        : '(info: the SDK-shaped path, promises per call)'
    : `${rate >= TARGET_PER_SECOND ? 'PASS' : 'FAIL'} ≥ 1M/s, ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'} ≥ 25% of plain`;
  console.log(
    `${name.padEnd(30)}  ${fmt(rate)}  ${fmt(perSecond(r.totalMs)).padStart(14)}  ${(ratio * 100).toFixed(1).padStart(7)}%  ${((floor.deliverMs / r.deliverMs) * 100).toFixed(1).padStart(7)}%  ${verdict}`,
  );
}
console.log(
  'client-shaped floor: only a received message and its in-flight ring slot until the delete, per delivery (docs/sim-sqs.md, Performance)',
);
if (sink < 0) console.log(sink);
