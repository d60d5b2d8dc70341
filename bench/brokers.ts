// Layer 4 costs against the real local brokers: npx tsx bench/brokers.ts (npm run bench:brokers)
//  1. Per-test overhead: an isolated destination + the first publish→receive round trip with the
//     exactly-one check, median of several runs; with a probe shared by a file's tests, and with a
//     probe created and disposed by the test itself.
//  2. Publish→receive throughput through a probe beside the raw client in the same run: sequential
//     acknowledged publishes, then everything received; rounds alternate, best of each.
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Consumer, Producer } from '@platformatic/kafka';
import amqp from 'amqplib';
import { z } from 'zod';
import { defineEvent } from '../src/public/index.js';
import { kafka } from '../src/public/kafka.js';
import { rabbitmq } from '../src/public/rabbitmq.js';
import { sqs } from '../src/public/sqs.js';
import { brokerUnderTest } from '../test/support/brokers.js';

const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string(), amount: z.number() }), {
  key: (o) => o.orderId,
});
const RUNS = Number(process.env['BENCH_RUNS'] ?? 9);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 1000);
const SQS_MESSAGES = Math.min(MESSAGES, 150);
// BENCH_BROKERS=rabbitmq (or a comma-separated list) runs only those brokers' rows.
const ONLY = process.env['BENCH_BROKERS']?.split(',').map((b) => b.trim());
const now = () => performance.now();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const rows: string[][] = [];
const order = (i: number) => ({ orderId: `${i}`, amount: i });

/** Runs `test` RUNS times after one warm-up; the median in ms. */
async function perTest(test: () => Promise<void>): Promise<number> {
  await test();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = now();
    await test();
    times.push(now() - started);
  }
  return median(times);
}

/**
 * Messages per second of `raw` and `probe` (best round of each), alternating rounds (and which side
 * goes first) so load on the shared machine hits both alike, and the median of the rounds' own probe/raw ratios: each round's
 * pair ran back to back, so that ratio is the steadier of the two readings.
 */
async function throughput(
  count: number,
  raw: () => Promise<void>,
  probe: () => Promise<void>,
): Promise<[number, number, number]> {
  let best: [number, number] = [0, 0];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Which side goes first alternates too: the second of a pair meets what the first left behind
    // (the broker's log flushes, the client's garbage).
    const rate = async (run: () => Promise<void>) => {
      const started = now();
      await run();
      return count / ((now() - started) / 1000);
    };
    let r: number;
    let p: number;
    if (round % 2 === 0) {
      r = await rate(raw);
      p = await rate(probe);
    } else {
      p = await rate(probe);
      r = await rate(raw);
    }
    best = [Math.max(best[0], r), Math.max(best[1], p)];
    ratios.push(p / r);
  }
  return [...best, median(ratios)];
}

async function benchKafka(url: string) {
  const started = now();
  const probe = await kafka.probe({ url, label: 'bench' });
  const connect = now() - started;
  let n = 0;
  const shared = await perTest(async () => {
    const topic = await probe.topic(`t${n++}`);
    await probe.publish(topic, OrderCreated, order(n));
    await probe.expect(topic).toReceive(OrderCreated, { count: 1 });
  });
  const own = await perTest(async () => {
    await using p = await kafka.probe({ url, label: 'bench' });
    const topic = await p.topic('t');
    await p.publish(topic, OrderCreated, order(1));
    await p.expect(topic).toReceive(OrderCreated, { count: 1 });
  });
  const producer = new Producer({ clientId: 'bench-raw', bootstrapBrokers: probe.bootstrapBrokers });
  const [raw, through, paired] = await throughput(
    MESSAGES,
    async () => {
      const topic = await probe.topic(`raw${n++}`);
      const consumer = new Consumer({
        clientId: 'bench-raw',
        groupId: `${topic.name}-raw`,
        bootstrapBrokers: probe.bootstrapBrokers,
        maxWaitTime: 50,
      });
      const stream = await consumer.consume({ topics: [topic.name], mode: 'earliest', autocommit: false });
      let got = 0;
      const all = new Promise<void>((resolve) => stream.on('data', () => ++got === MESSAGES && resolve()));
      for (let i = 0; i < MESSAGES; i++) {
        const wire = OrderCreated.encode(order(i));
        const headers = new Map(
          Object.entries(wire.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]),
        );
        await producer.send({
          messages: [
            { topic: topic.name, key: Buffer.from(wire.key ?? ''), value: Buffer.from(wire.value), headers },
          ],
        });
      }
      await all;
      await stream.close();
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    },
    async () => {
      const topic = await probe.topic(`probe${n++}`);
      const receiving = probe
        .expect(topic)
        .toReceive(OrderCreated, { count: MESSAGES, atLeast: true, timeoutMs: 60_000 });
      for (let i = 0; i < MESSAGES; i++) await probe.publish(topic, OrderCreated, order(i));
      await receiving;
    },
  );
  await producer.close();
  await report('kafka', probe, connect, shared, own, '≤ 300 ms', raw, through, paired);
}

async function benchRabbit(url: string) {
  const started = now();
  const probe = await rabbitmq.probe({ url, label: 'bench' });
  const connect = now() - started;
  let n = 0;
  const shared = await perTest(async () => {
    const queue = await probe.queue(`q${n++}`);
    await probe.publish(queue, OrderCreated, order(n));
    await probe.expect(queue).toReceive(OrderCreated, { count: 1 });
  });
  const own = await perTest(async () => {
    await using p = await rabbitmq.probe({ url, label: 'bench' });
    const queue = await p.queue('q');
    await p.publish(queue, OrderCreated, order(1));
    await p.expect(queue).toReceive(OrderCreated, { count: 1 });
  });
  // The raw client gets the same socket option as the probe: without noDelay every confirm waits ~40 ms.
  const connection = await amqp.connect(probe.amqpUrl, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  const [raw, through, paired] = await throughput(
    MESSAGES,
    async () => {
      const queue = await probe.queue(`raw${n++}`);
      let got = 0;
      const all = new Promise<void>((resolve) => {
        // Automatic acknowledgement, as the probe's observers consume: like for like.
        void channel.consume(queue.name, () => void (++got === MESSAGES && resolve()), { noAck: true });
      });
      for (let i = 0; i < MESSAGES; i++) {
        const wire = OrderCreated.encode(order(i));
        // The same AMQP properties the probe sends (content type, transient delivery mode): equal
        // message size on the wire and in the broker.
        const options = {
          headers: wire.headers,
          contentType: wire.headers['content-type'],
          persistent: false,
        };
        await new Promise<void>((resolve, reject) =>
          channel.sendToQueue(queue.name, Buffer.from(wire.value), options, (e: unknown) =>
            e ? reject(e instanceof Error ? e : new Error('not confirmed')) : resolve(),
          ),
        );
      }
      await all;
    },
    async () => {
      const queue = await probe.queue(`probe${n++}`);
      const receiving = probe
        .expect(queue)
        .toReceive(OrderCreated, { count: MESSAGES, atLeast: true, timeoutMs: 60_000 });
      for (let i = 0; i < MESSAGES; i++) await probe.publish(queue, OrderCreated, order(i));
      await receiving;
    },
  );
  await connection.close();
  await report('rabbitmq', probe, connect, shared, own, '≤ 50 ms', raw, through, paired);
}

async function benchSqs(url: string) {
  const started = now();
  const probe = await sqs.probe({ url, label: 'bench' });
  const connect = now() - started;
  let n = 0;
  const shared = await perTest(async () => {
    const queue = await probe.queue(`q${n++}`);
    await probe.publish(queue, OrderCreated, order(n));
    await probe.expect(queue).toReceive(OrderCreated, { count: 1 });
  });
  const own = await perTest(async () => {
    await using p = await sqs.probe({ url, label: 'bench' });
    const queue = await p.queue('q');
    await p.publish(queue, OrderCreated, order(1));
    await p.expect(queue).toReceive(OrderCreated, { count: 1 });
  });
  const client = new SQSClient({
    endpoint: probe.endpoint,
    region: probe.region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const [raw, through, paired] = await throughput(
    SQS_MESSAGES,
    async () => {
      const { QueueUrl = '' } = await client.send(
        new CreateQueueCommand({ QueueName: `${probe.prefix}-raw${n++}` }),
      );
      let got = 0;
      const receiver = (async () => {
        while (got < SQS_MESSAGES) {
          const { Messages = [] } = await client.send(
            new ReceiveMessageCommand({
              QueueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
              MessageAttributeNames: ['All'],
            }),
          );
          got += Messages.length;
          if (Messages.length > 0)
            await client.send(
              new DeleteMessageBatchCommand({
                QueueUrl,
                Entries: Messages.map((m, i) => ({ Id: `${i}`, ReceiptHandle: m.ReceiptHandle ?? '' })),
              }),
            );
        }
      })();
      for (let i = 0; i < SQS_MESSAGES; i++) {
        const wire = OrderCreated.encode(order(i));
        const attributes = Object.entries(wire.headers).map(([k, v]) => [
          k,
          { DataType: 'String', StringValue: v },
        ]);
        await client.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: new TextDecoder().decode(wire.value),
            MessageAttributes: Object.fromEntries(attributes),
          }),
        );
      }
      await receiver;
      await client.send(new DeleteQueueCommand({ QueueUrl }));
    },
    async () => {
      const queue = await probe.queue(`probe${n++}`);
      const receiving = probe
        .expect(queue)
        .toReceive(OrderCreated, { count: SQS_MESSAGES, atLeast: true, timeoutMs: 60_000 });
      for (let i = 0; i < SQS_MESSAGES; i++) await probe.publish(queue, OrderCreated, order(i));
      await receiving;
    },
  );
  client.destroy();
  await report('sqs', probe, connect, shared, own, '≤ 50 ms', raw, through, paired);
}

async function report(
  name: string,
  probe: { dispose(): Promise<void> },
  connect: number,
  shared: number,
  own: number,
  target: string,
  raw: number,
  through: number,
  paired: number,
) {
  const started = now();
  await probe.dispose();
  rows.push([
    name,
    ms(connect),
    ms(shared),
    ms(own),
    target,
    ops(raw),
    ops(through),
    pct(through / raw),
    pct(paired),
    ms(now() - started),
  ]);
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const ops = (value: number) => `${Math.round(value)}/s`;
const pct = (value: number) => `${Math.round(value * 100)}%`;

for (const [name, run] of [
  ['kafka', benchKafka],
  ['rabbitmq', benchRabbit],
  ['sqs', benchSqs],
] as const) {
  if (ONLY !== undefined && !ONLY.includes(name)) continue;
  const broker = await brokerUnderTest(name);
  if (!broker.available) {
    rows.push([name, '-', '-', '-', '-', '-', '-', '-', '-', broker.reason ?? 'unavailable']);
    continue;
  }
  await run(broker.url);
}

const header = [
  'broker',
  'probe connect',
  'per test, shared probe',
  'per test, own probe',
  'target',
  'raw client',
  'through probe',
  'probe/raw',
  'paired median',
  'dispose',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  `Layer 4 against local brokers: per-test medians of ${RUNS} runs; throughput best of ${ROUNDS} alternating rounds (and the median of their paired ratios) of ${MESSAGES} messages (SQS ${SQS_MESSAGES}), sequential acknowledged publishes`,
);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
process.exit(0);
