// Deliveries per second through the Kafka model beside a plain array-queue loop, measured in the same run,
// and memory per million retained records: npm run bench:sim -- kafka
import { createSimulation, simKafka } from '../../src/public/sim.js';

const N = 1_000_000;
const BATCH = 1_000;
const ROUNDS = 3;
let sink = 0;
const handler = (payload: { message: { offset: string } }) => {
  sink += payload.message.offset.length;
};

/** The practical limit: records in an array, a loop handing each to the same trivial handler. */
function plainLoop(): number {
  const queue: { message: { offset: string } }[] = [];
  for (let i = 0; i < N; i++) queue.push({ message: { offset: String(i) } });
  const start = performance.now();
  let head = 0;
  while (head < queue.length) handler(queue[head++]!);
  return N / ((performance.now() - start) / 1000);
}

async function model(
  partitions: number,
  consumers: number,
): Promise<{ deliveries: number; endToEnd: number }> {
  const sim = createSimulation({ seed: 1, trace: false });
  const kafka = simKafka(sim);
  kafka.createTopic('bench', { partitions });
  const producer = kafka.producer();
  await producer.connect();
  const value = 'x'.repeat(64);
  const sendStart = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const messages = Array.from({ length: BATCH }, (_, j) => ({
      key: partitions > 1 ? `k${(i + j) % 1024}` : null,
      value,
    }));
    await producer.send({ topic: 'bench', messages });
  }
  const sendMs = performance.now() - sendStart;
  for (let c = 0; c < consumers; c++) {
    const consumer = kafka.consumer({ groupId: 'bench' });
    await consumer.subscribe({ topic: 'bench', fromBeginning: true });
    await consumer.run({ eachMessage: handler });
  }
  const start = performance.now();
  await sim.runUntilIdle();
  const deliverMs = performance.now() - start;
  if (kafka.lag('bench', 'bench').total !== 0) throw new Error('the bench did not consume everything');
  return { deliveries: N / (deliverMs / 1000), endToEnd: N / ((deliverMs + sendMs) / 1000) };
}

async function memoryPerMillion(): Promise<number | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const sim = createSimulation({ seed: 1, trace: false });
  const kafka = simKafka(sim);
  kafka.createTopic('retained', { partitions: 4 });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < N; i += BATCH) {
    await producer.send({
      topic: 'retained',
      messages: Array.from({ length: BATCH }, (_, j) => ({
        key: `order-${(i + j) % 10_000}`,
        value: `{"orderId":"order-${i + j}","amount":12.5}`,
      })),
    });
  }
  gc();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  if (kafka.offsets('retained').reduce((n, p) => n + p.high, 0) !== N) throw new Error('records missing');
  return (after - before) / (N / 1_000_000);
}

const best = (list: number[]) => Math.max(...list);
const plain: number[] = [];
const one: number[] = [];
const eight: number[] = [];
const e2e: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  plain.push(plainLoop());
  const single = await model(1, 1);
  one.push(single.deliveries);
  e2e.push(single.endToEnd);
  eight.push((await model(8, 4)).deliveries);
}
const memory = await memoryPerMillion();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
const verdict = (rate: number) => (rate >= 1_000_000 && rate >= 0.25 * best(plain) ? 'PASS' : 'FAIL');
const rows: [string, number, string][] = [
  ['plain array-queue loop', best(plain), '(peer)'],
  ['kafka model, 1 partition, 1 consumer', best(one), verdict(best(one))],
  ['kafka model, 8 partitions, 4 consumers', best(eight), verdict(best(eight))],
  ['kafka model, send + deliver (1 partition)', best(e2e), '(info)'],
];
console.log(
  `Kafka model, ${N.toLocaleString('en-US')} records, trivial sync handler, trace off; best of ${ROUNDS} rounds (Node ${process.version})`,
);
console.log(`${'case'.padEnd(44)}${'deliveries/s'.padStart(12)}  ${'vs plain'.padStart(8)}  target`);
for (const [name, rate, result] of rows)
  console.log(
    `${name.padEnd(44)}${fmt(rate)}  ${`${((rate / best(plain)) * 100).toFixed(1)}%`.padStart(8)}  ${result}`,
  );
console.log('targets: ≥ 1,000,000 deliveries/s and ≥ 25% of the plain loop');
console.log(
  memory === undefined
    ? 'memory per million retained records: run with --expose-gc to measure'
    : `memory per million retained records (4 partitions, ~40-byte values, ledger included): ${(memory / 1024 / 1024).toFixed(0)} MB`,
);
if (sink === -1) console.log(sink);
