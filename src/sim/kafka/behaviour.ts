import assert from 'node:assert/strict';
import type { Chooser } from '../decisions.js';
import type { FaultSpec } from '../faults.js';
import { createSimulation, type Simulation } from '../world.js';
import { simKafka, type SimKafka } from './kafka.js';
import { partitionForKey } from './murmur2.js';
import type { AssignorName } from './options.js';
import type { SimConsumer } from './consumer.js';

/** A record as a driver's consumer received it. */
export interface ReceivedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string;
  /** Which driver consumer got it. */
  readonly consumer: string;
}

export interface DriverMessage {
  readonly key?: string;
  readonly value: string;
  readonly timestamp?: number;
}

export interface DriverConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly fromBeginning?: boolean;
  /** Default true. With false, the rule commits through `commit()`. */
  readonly autoCommit?: boolean;
  readonly assignor?: AssignorName;
  /** Runs for each message after it is recorded in `received`; throwing (or rejecting) fails the message. */
  readonly handler?: (record: ReceivedRecord) => void | Promise<void>;
}

export interface DriverConsumer {
  readonly id: string;
  /** Every delivery, in the order the consumer got them (duplicates included). */
  readonly received: ReceivedRecord[];
  /** Partitions of the rule's topic this consumer holds now. */
  assignment(): Promise<number[]>;
  /** Commits `nextOffset` (the next offset to read) for a partition. */
  commit(partition: number, nextOffset: number): Promise<void>;
  seek(partition: number, offset: number): Promise<void>;
  /** Leaves the group cleanly. */
  disconnect(): Promise<void>;
  /** Dies without leaving: the group notices after the session timeout. */
  crash(): Promise<void>;
}

/**
 * What a behavioural rule needs from a Kafka, simulated or real. The simulator's driver is
 * {@link simKafkaDriver}; the real-broker issue implements the same interface over a real cluster.
 */
export interface KafkaDriver {
  readonly name: string;
  /** The session timeout the driver's consumers use, in ms. */
  readonly sessionTimeoutMs: number;
  /** Creates a fresh topic and returns its (unique) name. */
  createTopic(options: { partitions: number; retentionMs?: number }): Promise<string>;
  /**
   * Sends the messages in order; resolves when the broker accepted them (retrying through outages).
   * Idempotent unless `idempotent: false`, as the Java producer is since Kafka 3.0.
   */
  produce(
    topic: string,
    messages: readonly DriverMessage[],
    options?: { idempotent?: boolean },
  ): Promise<void>;
  startConsumer(options: DriverConsumerOptions): Promise<DriverConsumer>;
  /** Waits until nothing more will happen without time passing (sim: runUntilIdle; real: lag 0 and no in-flight). */
  settle(): Promise<void>;
  /** Lets `ms` of time pass (sim: virtual; real: a sleep). */
  advance(ms: number): Promise<void>;
  /**
   * Makes the broker unavailable for `ms` from now for this topic: sends made meanwhile may be
   * appended without their acknowledgement arriving (sim: a fault; real: a fault proxy swallowing the
   * broker's answers).
   */
  outage(topic: string, ms: number): Promise<void>;
  committed(groupId: string, topic: string): Promise<number[]>;
  /**
   * A counter of the group's rebalances as this driver saw them: it moves when, and only when, the
   * group rebalanced (sim: the group's generation; real: its members' joins).
   */
  rebalances(groupId: string): Promise<number>;
  lag(groupId: string, topic: string): Promise<number>;
  logStartOffset(topic: string, partition: number): Promise<number>;
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number>;
  records(topic: string, partition: number): Promise<{ offset: number; key: string | null; value: string }[]>;
}

export interface KafkaBehaviourRule {
  /** The rule, as a sentence; the test title. */
  readonly rule: string;
  /** Which of the seed's Kafka rows it covers, if any. */
  readonly seedRow?: 'partition ordering' | 'consumer groups' | 'offset management' | 'rebalancing';
  /** Why the rule runs on the simulator only (it needs something a real broker cannot be put through in a test). */
  readonly simOnly?: string;
  run(driver: KafkaDriver): Promise<void>;
}

const values = (received: readonly ReceivedRecord[]) => received.map((r) => r.value);

/**
 * Kafka delivers at least once: a rebalance replays what was read but not committed. So every
 * expected value must have arrived, and a value may arrive twice only if the group rebalanced after
 * the rule expected it to be stable (`stableAt`, a {@link KafkaDriver.rebalances} reading). Each rule
 * runs on a fresh driver (as the suite's examples do), so a group's first join reads 1.
 */
async function assertEveryRecord(
  d: KafkaDriver,
  groupId: string,
  stableAt: number,
  received: readonly string[],
  expected: readonly string[],
): Promise<void> {
  assert.deepEqual([...new Set(received)].sort(), [...expected].sort(), 'every record arrived');
  const rebalanced = (await d.rebalances(groupId)) !== stableAt;
  if (!rebalanced) assert.deepEqual([...received].sort(), [...expected].sort(), 'each record once');
}
const distinct = <T>(list: readonly T[]) => [...new Set(list)];
const messages = (n: number, key?: (i: number) => string): DriverMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: key?.(i), value: `v${i}` }));

/**
 * The Kafka model's rules, runner-agnostic (node:assert), over a {@link KafkaDriver}. The seed's four
 * Kafka rows are among them (`seedRow`). Give each rule a fresh driver: rules reuse group names.
 *
 * @example
 * ```ts
 * for (const { rule, run } of kafkaBehaviour) it(rule, () => run(simKafkaDriver()));
 * ```
 */
export const kafkaBehaviour: readonly KafkaBehaviourRule[] = [
  {
    rule: 'records with the same key land in the same partition, the one the Java client murmur2 partitioner picks',
    async run(d) {
      const topic = await d.createTopic({ partitions: 3 });
      await d.produce(
        topic,
        messages(24, (i) => `customer-${i % 6}`),
      );
      const placed = new Map<string, Set<number>>();
      for (let p = 0; p < 3; p++)
        for (const r of await d.records(topic, p))
          (placed.get(r.key!) ?? placed.set(r.key!, new Set()).get(r.key!)!).add(p);
      assert.equal(placed.size, 6);
      for (const [key, partitions] of placed) {
        assert.deepEqual(
          [...partitions],
          [partitionForKey(key, 3)],
          `key ${key} is in partitions ${[...partitions].join(',')}`,
        );
      }
    },
  },
  {
    rule: 'order is kept within a partition',
    seedRow: 'partition ordering',
    async run(d) {
      const topic = await d.createTopic({ partitions: 1 });
      const c = await d.startConsumer({ groupId: 'ordering', topic, fromBeginning: true });
      await d.produce(
        topic,
        messages(10, () => 'order-1'),
      );
      await d.settle();
      assert.deepEqual(
        values(c.received),
        messages(10).map((m) => m.value),
      );
      assert.deepEqual(
        c.received.map((r) => r.offset),
        [...Array(10).keys()],
      );
    },
  },
  {
    rule: 'order is kept per key across a multi-partition topic',
    seedRow: 'partition ordering',
    async run(d) {
      const topic = await d.createTopic({ partitions: 4 });
      const c = await d.startConsumer({ groupId: 'per-key', topic, fromBeginning: true });
      await d.produce(
        topic,
        Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 5}`, value: `k${i % 5}:${i}` })),
      );
      await d.settle();
      // Order is about first deliveries of each record: a rewind after a rebalance replays from the
      // committed offset, and a producer retry after a timeout appends a copy (at-least-once); both
      // leave the first deliveries in order. "Each record once" is the consumer-group rule's business.
      const firsts = c.received.filter((r, i) => c.received.findIndex((o) => o.value === r.value) === i);
      for (let k = 0; k < 5; k++) {
        const seen = values(firsts.filter((r) => r.key === `k${k}`)).map((v) => Number(v.split(':')[1]));
        assert.deepEqual(
          seen,
          [...seen].sort((a, b) => a - b),
          `key k${k} arrived as ${seen.join(',')}`,
        );
        assert.equal(seen.length, 4);
      }
    },
  },
  {
    rule: 'two consumers in one group get disjoint partitions and each record once',
    seedRow: 'consumer groups',
    async run(d) {
      const topic = await d.createTopic({ partitions: 4 });
      const a = await d.startConsumer({ groupId: 'shared', topic, fromBeginning: true });
      const b = await d.startConsumer({ groupId: 'shared', topic, fromBeginning: true });
      await d.settle();
      const [pa, pb] = [await a.assignment(), await b.assignment()];
      assert.equal(pa.length + pb.length, 4);
      assert.deepEqual(
        pa.filter((p) => pb.includes(p)),
        [],
      );
      assert.ok(pa.length > 0 && pb.length > 0, 'both members hold partitions');
      const stable = await d.rebalances('shared');
      await d.produce(
        topic,
        messages(40, (i) => `k${i}`),
      );
      await d.settle();
      await assertEveryRecord(
        d,
        'shared',
        stable,
        [...values(a.received), ...values(b.received)],
        messages(40).map((m) => m.value),
      );
      assert.ok(a.received.length > 0 && b.received.length > 0, 'both consumers received records');
      assert.ok(
        a.received.every((r) => pa.includes(r.partition)) &&
          b.received.every((r) => pb.includes(r.partition)),
      );
    },
  },
  {
    rule: 'each consumer group receives every record',
    seedRow: 'consumer groups',
    async run(d) {
      const topic = await d.createTopic({ partitions: 2 });
      const billing = await d.startConsumer({ groupId: 'billing', topic, fromBeginning: true });
      const shipping = await d.startConsumer({ groupId: 'shipping', topic, fromBeginning: true });
      await d.produce(
        topic,
        messages(8, (i) => `k${i}`),
      );
      await d.settle();
      const all = messages(8).map((m) => m.value);
      // Stable after the first join of each group's only member.
      await assertEveryRecord(d, 'billing', 1, values(billing.received), all);
      await assertEveryRecord(d, 'shipping', 1, values(shipping.received), all);
    },
  },
  {
    rule: 'offsets are committed only after successful processing',
    seedRow: 'offset management',
    async run(d) {
      const topic = await d.createTopic({ partitions: 1 });
      let failures = 0;
      const committedWhileFailing: number[][] = [];
      const c = await d.startConsumer({
        groupId: 'careful',
        topic,
        fromBeginning: true,
        handler: async (r) => {
          if (r.value === 'v2' && failures < 2) {
            failures++;
            committedWhileFailing.push(await d.committed('careful', topic));
            throw new Error('database down');
          }
        },
      });
      await d.produce(topic, messages(5));
      await d.settle();
      for (const committed of committedWhileFailing)
        assert.ok(committed[0]! <= 2, `committed ${committed[0]} past the failing record 2`);
      // Two failed attempts, then success; a rebalance of the forming group may replay the uncommitted tail.
      if ((await d.rebalances('careful')) === 1)
        assert.deepEqual(values(c.received), ['v0', 'v1', 'v2', 'v2', 'v2', 'v3', 'v4']);
      else {
        assert.deepEqual(
          [...new Set(values(c.received))].sort(),
          messages(5).map((m) => m.value),
        );
        assert.ok(
          values(c.received).filter((v) => v === 'v2').length >= 3,
          'v2 was retried until it succeeded',
        );
      }
      assert.deepEqual(await d.committed('careful', topic), [5]);
    },
  },
  {
    rule: 'a rebalance redelivers uncommitted offsets',
    seedRow: 'rebalancing',
    async run(d) {
      const topic = await d.createTopic({ partitions: 2 });
      const a = await d.startConsumer({ groupId: 'manual', topic, fromBeginning: true, autoCommit: false });
      await d.produce(
        topic,
        messages(6, (i) => `k${i}`),
      );
      await d.settle();
      const all = messages(6)
        .map((m) => m.value)
        .sort();
      await assertEveryRecord(d, 'manual', 1, values(a.received), all);
      const beforeJoin = a.received.length;
      await a.commit(0, 0);
      const b = await d.startConsumer({ groupId: 'manual', topic, fromBeginning: true, autoCommit: false });
      await d.settle();
      // Nothing was committed: after the rebalance every record is read again, by whichever member owns it now.
      const reread = [...values(a.received.slice(beforeJoin)), ...values(b.received)];
      assert.deepEqual([...new Set(reread)].sort(), all);
    },
  },
  {
    rule: 'a committed offset is not redelivered after a restart',
    seedRow: 'offset management',
    async run(d) {
      const topic = await d.createTopic({ partitions: 1 });
      const first = await d.startConsumer({ groupId: 'restart', topic, fromBeginning: true });
      await d.produce(topic, messages(5));
      await d.settle();
      await first.disconnect();
      await d.produce(topic, [{ value: 'after' }]);
      const second = await d.startConsumer({ groupId: 'restart', topic, fromBeginning: true });
      await d.settle();
      assert.deepEqual(values(second.received), ['after']);
      assert.deepEqual(await d.committed('restart', topic), [6]);
    },
  },
  {
    rule: 'a consumer joining triggers a rebalance that moves partitions; nothing is lost',
    seedRow: 'rebalancing',
    async run(d) {
      const topic = await d.createTopic({ partitions: 4 });
      const a = await d.startConsumer({ groupId: 'join', topic, fromBeginning: true });
      await d.produce(
        topic,
        messages(12, (i) => `k${i}`),
      );
      await d.settle();
      assert.deepEqual(await a.assignment(), [0, 1, 2, 3]);
      const b = await d.startConsumer({ groupId: 'join', topic, fromBeginning: true });
      await d.produce(
        topic,
        messages(12, (i) => `k${i}`).map((m) => ({ ...m, value: `late-${m.value}` })),
      );
      await d.settle();
      assert.equal((await a.assignment()).length, 2);
      assert.equal((await b.assignment()).length, 2);
      const all = distinct([...values(a.received), ...values(b.received)]);
      assert.equal(all.length, 24, 'every record reached the group');
      assert.equal(await d.lag('join', topic), 0);
    },
  },
  {
    rule: 'a consumer leaving hands its partitions to the others; nothing is lost',
    seedRow: 'rebalancing',
    async run(d) {
      const topic = await d.createTopic({ partitions: 4 });
      const a = await d.startConsumer({ groupId: 'leave', topic, fromBeginning: true });
      const b = await d.startConsumer({ groupId: 'leave', topic, fromBeginning: true });
      await d.settle();
      await b.disconnect();
      await d.produce(
        topic,
        messages(12, (i) => `k${i}`),
      );
      await d.settle();
      assert.deepEqual(await a.assignment(), [0, 1, 2, 3]);
      assert.deepEqual(
        values(a.received).sort(),
        messages(12)
          .map((m) => m.value)
          .sort(),
      );
    },
  },
  {
    rule: "a crashed consumer's partitions move after the session timeout and its in-flight record is redelivered",
    seedRow: 'rebalancing',
    async run(d) {
      const topic = await d.createTopic({ partitions: 1 });
      const a = await d.startConsumer({
        groupId: 'crash',
        topic,
        fromBeginning: true,
        handler: () => new Promise(() => {}),
      });
      await d.produce(topic, [{ value: 'only' }]);
      await d.settle();
      assert.deepEqual(values(a.received), ['only']);
      await a.crash();
      const b = await d.startConsumer({ groupId: 'crash', topic, fromBeginning: true });
      await d.settle();
      await d.advance(d.sessionTimeoutMs + 1);
      await d.settle();
      assert.deepEqual(await b.assignment(), [0]);
      assert.deepEqual(values(b.received), ['only']);
      assert.deepEqual(await d.committed('crash', topic), [1]);
    },
  },
  {
    rule: 'seek replays from an offset',
    async run(d) {
      const topic = await d.createTopic({ partitions: 1 });
      const c = await d.startConsumer({ groupId: 'replay', topic, fromBeginning: true });
      await d.produce(topic, messages(5));
      await d.settle();
      await c.seek(0, 2);
      await d.settle();
      assert.deepEqual(values(c.received), ['v0', 'v1', 'v2', 'v3', 'v4', 'v2', 'v3', 'v4']);
    },
  },
  {
    rule: 'a replay from a timestamp starts at the first record at or after it',
    async run(d) {
      const topic = await d.createTopic({ partitions: 1 });
      // Recent timestamps: a broker's retention (7 days by default) deletes older records on its next check.
      const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
      await d.produce(
        topic,
        Array.from({ length: 5 }, (_, i) => ({ value: `v${i}`, timestamp: base + i * 1000 })),
      );
      const from = await d.offsetForTimestamp(topic, 0, base + 2500);
      assert.equal(from, 3);
      const c = await d.startConsumer({ groupId: 'by-time', topic, fromBeginning: true });
      await d.settle();
      await c.seek(0, from);
      await d.settle();
      assert.deepEqual(values(c.received).slice(5), ['v3', 'v4']);
    },
  },
  {
    rule: 'retention expires old records and moves the log start offset',
    async run(d) {
      // Kafka deletes whole segments whose newest record is older than retention.ms, on the broker's
      // retention check; the driver rolls a segment after a quarter of the retention time.
      const topic = await d.createTopic({ partitions: 1, retentionMs: 6_000 });
      await d.produce(topic, messages(3));
      await d.advance(3_000);
      await d.produce(topic, [{ value: 'fresh' }]);
      await d.advance(3_500);
      // The old records are 6.5 s old, 'fresh' 3.5 s; a real broker may take one more check to see
      // it. 'fresh' then has at least a second left for the late consumer to read it.
      let start = await d.logStartOffset(topic, 0);
      for (let waited = 0; start !== 3 && waited < 1_500; waited += 100) {
        await d.advance(100);
        start = await d.logStartOffset(topic, 0);
      }
      assert.equal(start, 3);
      const late = await d.startConsumer({ groupId: 'late', topic, fromBeginning: true });
      await d.settle();
      assert.deepEqual(values(late.received), ['fresh']);
    },
  },
  {
    rule: 'an idempotent producer does not duplicate on retry',
    async run(d) {
      const topic = await d.createTopic({ partitions: 1 });
      await d.outage(topic, 1_000);
      await d.produce(topic, [{ key: 'k', value: 'once' }], { idempotent: true });
      await d.settle();
      assert.deepEqual(
        (await d.records(topic, 0)).map((r) => r.value),
        ['once'],
      );
    },
  },
  {
    rule: 'consumer lag counts unprocessed records and falls to zero when the group caught up',
    async run(d) {
      const topic = await d.createTopic({ partitions: 2 });
      await d.produce(
        topic,
        messages(6, (i) => `k${i}`),
      );
      // Measured before the group starts: once a real consumer runs, it may have committed already.
      assert.equal(await d.lag('lagging', topic), 6);
      const c = await d.startConsumer({ groupId: 'lagging', topic, fromBeginning: true });
      await d.settle();
      await assertEveryRecord(
        d,
        'lagging',
        1,
        values(c.received),
        messages(6).map((m) => m.value),
      );
      assert.equal(await d.lag('lagging', topic), 0);
    },
  },
  {
    rule: 'with cooperative-sticky a join moves only the partitions the newcomer takes',
    seedRow: 'rebalancing',
    async run(d) {
      const topic = await d.createTopic({ partitions: 6 });
      const a = await d.startConsumer({ groupId: 'sticky', topic, assignor: 'cooperative-sticky' });
      await d.settle();
      const before = await a.assignment();
      const b = await d.startConsumer({ groupId: 'sticky', topic, assignor: 'cooperative-sticky' });
      await d.settle();
      const after = await a.assignment();
      assert.equal(after.length, 3);
      assert.ok(after.every((p) => before.includes(p)));
      assert.deepEqual([...after, ...(await b.assignment())].sort(), [0, 1, 2, 3, 4, 5]);
    },
  },
];

export interface SimKafkaDriverOptions {
  readonly seed?: number;
  readonly faults?: readonly FaultSpec[];
  readonly chooser?: Chooser;
  readonly partitionsDefault?: number;
  /** Test hook: adjust the model before a rule runs (to build deliberately wrong variants). */
  readonly setup?: (kafka: SimKafka, sim: Simulation) => void;
}

/**
 * The simulator's {@link KafkaDriver}: a fresh simulation and Kafka model per call.
 *
 * @example
 * ```ts
 * for (const { rule, run } of kafkaBehaviour) it(rule, () => run(simKafkaDriver({ seed: 1 })));
 * ```
 */
export function simKafkaDriver(
  options: SimKafkaDriverOptions = {},
): KafkaDriver & { readonly sim: Simulation; readonly kafka: SimKafka } {
  const sim = createSimulation({ seed: options.seed ?? 1, faults: options.faults, chooser: options.chooser });
  const kafka = simKafka(sim, { defaultPartitions: options.partitionsDefault ?? 1 });
  options.setup?.(kafka, sim);
  const sessionTimeoutMs = 10_000;
  let topics = 0;
  let consumers = 0;
  const producers = new Map<boolean, ReturnType<SimKafka['producer']>>();
  const producer = async (idempotent: boolean) => {
    let p = producers.get(idempotent);
    if (!p) {
      p = kafka.producer({ idempotent });
      await p.connect();
      producers.set(idempotent, p);
    }
    return p;
  };
  const wrap = (
    id: string,
    consumer: SimConsumer,
    topic: string,
    received: ReceivedRecord[],
  ): DriverConsumer => ({
    id,
    received,
    assignment: () =>
      Promise.resolve(
        consumer
          .assignment()
          .filter((t) => t.startsWith(`${topic}/`))
          .map((t) => Number(t.slice(topic.length + 1))),
      ),
    commit: (partition, nextOffset) =>
      consumer.commitOffsets([{ topic, partition, offset: String(nextOffset) }]),
    seek: (partition, offset) => Promise.resolve(consumer.seek({ topic, partition, offset })),
    disconnect: () => {
      const left = consumer.disconnect();
      return sim.runUntilIdle().then(() => left);
    },
    crash: () => Promise.resolve(consumer.crash()),
  });
  return {
    name: 'simulator',
    sim,
    kafka,
    sessionTimeoutMs,
    createTopic({ partitions, retentionMs }) {
      const name = `topic-${++topics}`;
      kafka.createTopic(name, { partitions, retentionMs });
      return Promise.resolve(name);
    },
    async produce(topic, list, { idempotent = true } = {}) {
      const p = await producer(idempotent);
      const sent = p.send({
        topic,
        messages: list.map((m) => ({ key: m.key ?? null, value: m.value, timestamp: m.timestamp })),
      });
      // Retries through an outage need virtual time to pass: run the world step by step until the send settles.
      let done = false;
      sent.then(
        () => (done = true),
        () => (done = true),
      );
      for (let i = 0; i < 5 && !done; i++) await Promise.resolve();
      while (!done) {
        const step = await sim.run({ maxSteps: 1 });
        if (step.idle) break;
      }
      await sent;
    },
    async startConsumer({ groupId, topic, fromBeginning, autoCommit, assignor, handler }) {
      const id = `c${++consumers}`;
      const received: ReceivedRecord[] = [];
      const consumer = kafka.consumer({ groupId, autoCommit, assignor, sessionTimeoutMs });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning });
      await consumer.run({
        eachMessage: ({ topic: t, partition, message }) => {
          const record: ReceivedRecord = {
            topic: t,
            partition,
            offset: Number(message.offset),
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? '',
            consumer: id,
          };
          received.push(record);
          return handler?.(record);
        },
      });
      return wrap(id, consumer, topic, received);
    },
    async settle() {
      await sim.runUntilIdle({ maxSteps: 1_000_000 });
    },
    async advance(ms) {
      await sim.advance(ms);
    },
    outage(topic, ms) {
      sim.faults.add({
        kind: 'unavailable',
        broker: 'kafka',
        target: topic,
        fromMs: sim.now(),
        untilMs: sim.now() + ms,
      });
      return Promise.resolve();
    },
    committed: (groupId, topic) => Promise.resolve(kafka.committedOffsets(groupId, topic)),
    rebalances: (groupId) => Promise.resolve(kafka.rebalances(groupId).length),
    lag: (groupId, topic) => Promise.resolve(kafka.lag(groupId, topic).total),
    logStartOffset: (topic, partition) => Promise.resolve(kafka.offsets(topic)[partition]!.low),
    offsetForTimestamp: (topic, partition, timestamp) =>
      kafka
        .admin()
        .fetchTopicOffsetsByTimestamp(topic, timestamp)
        .then((list) => Number(list[partition]!.offset)),
    records: (topic, partition) =>
      Promise.resolve(
        kafka
          .records(topic, partition)
          .map(({ offset, key, value }) => ({ offset, key, value: value ?? '' })),
      ),
  };
}
