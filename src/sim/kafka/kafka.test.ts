import { describe, expect, it } from 'vitest';
import { EventproofError } from '../../errors.js';
import { createSimulation, type SimulationOptions } from '../world.js';
import { simKafka, kafkaCapabilities } from './kafka.js';
import { partitionForKey } from './murmur2.js';

const world = async ({ partitions, ...options }: SimulationOptions & { partitions?: number } = {}) => {
  const sim = createSimulation({ seed: 1, ...options });
  const kafka = simKafka(sim);
  kafka.createTopic('orders', { partitions: partitions ?? 1 });
  const producer = kafka.producer();
  await producer.connect();
  return { sim, kafka, producer };
};

const code = async (promise: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error instanceof EventproofError ? error.code : `not an EventproofError: ${String(error)}`;
  }
  return 'no error';
};

describe('Kafka model: producing', () => {
  it('returns kafkajs RecordMetadata per partition and gives consumers Buffers', async () => {
    const { sim, kafka, producer } = await world({ partitions: 3 });
    const meta = await producer.send({
      topic: 'orders',
      messages: [
        { key: 'a', value: 'x', headers: { type: 'OrderCreated' } },
        { key: 'a', value: 'y' },
      ],
    });
    expect(meta).toEqual([
      {
        topicName: 'orders',
        partition: partitionForKey('a', 3),
        errorCode: 0,
        baseOffset: '0',
        offset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ]);
    const got: unknown[] = [];
    const consumer = kafka.consumer({ groupId: 'g' });
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) =>
        void got.push([
          Buffer.isBuffer(message.value),
          message.key?.toString(),
          message.headers.type?.toString(),
          message.offset,
        ]),
    });
    await sim.runUntilIdle();
    expect(got).toEqual([
      [true, 'a', 'OrderCreated', '0'],
      [true, 'a', undefined, '1'],
    ]);
  });

  it('stores what was sent: headers changed after the send do not reach consumers; frozen Buffer headers are kept as sent', async () => {
    const { sim, kafka, producer } = await world();
    const mutable: Record<string, string | Buffer> = { type: 'OrderCreated' };
    const frozen = Object.freeze({ type: Buffer.from('OrderPaid'), trace: Buffer.from('t1') });
    await producer.send({ topic: 'orders', messages: [{ value: 'a', headers: mutable }] });
    await producer.send({ topic: 'orders', messages: [{ value: 'b', headers: frozen }] });
    await producer.send({ topic: 'orders', messages: [{ value: 'c', headers: frozen }] });
    let version = 'v1';
    const getter = Object.freeze({
      get version() {
        return Buffer.from(version);
      },
    });
    await producer.send({ topic: 'orders', messages: [{ value: 'd', headers: getter }] });
    version = 'v2';
    await producer.send({ topic: 'orders', messages: [{ value: 'e', headers: getter }] });
    mutable.type = 'changed';
    mutable.extra = 'added';
    const got: Record<string, string | undefined>[] = [];
    const consumer = kafka.consumer({ groupId: 'g' });
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) =>
        void got.push(
          Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v?.toString()])),
        ),
    });
    await sim.runUntilIdle();
    expect(got).toEqual([
      { type: 'OrderCreated' },
      { type: 'OrderPaid', trace: 't1' },
      { type: 'OrderPaid', trace: 't1' },
      { version: 'v1' },
      { version: 'v2' },
    ]);
  });

  it('spreads keyless records round-robin from a recorded starting partition, or sticks one send to one partition', async () => {
    const { kafka, producer, sim } = await world({ partitions: 3 });
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 9 }, (_, i) => ({ value: `v${i}` })),
    });
    expect(kafka.offsets('orders').map((o) => o.high)).toEqual([3, 3, 3]);
    expect(sim.decisions.decisions.filter((d) => d.kind === 'kafka:keyless-start')).toHaveLength(1);
    const sticky = kafka.producer({ keylessPartitioning: 'sticky' });
    await sticky.connect();
    const meta = await sticky.send({
      topic: 'orders',
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `s${i}` })),
    });
    expect(meta).toHaveLength(1);
  });

  it('acks 0 during an outage resolves but the broker never accepted the record: rejected-by-broker, not a simulator loss', async () => {
    const { kafka, sim } = await world({
      faults: [{ kind: 'unavailable', broker: 'kafka', fromMs: 0, untilMs: 1000 }],
    });
    const fireAndForget = kafka.producer({ acks: 0 });
    await fireAndForget.connect();
    await expect(fireAndForget.send({ topic: 'orders', messages: [{ value: 'lost' }] })).resolves.toEqual([]);
    expect(kafka.records('orders', 0)).toEqual([]);
    expect(sim.ledger.all().map((e) => e.fate)).toEqual(['rejected-by-broker']);
    // Entries are plain snapshots: the id is an own property, as printing and deep equality need.
    expect(JSON.parse(JSON.stringify(sim.ledger.all()))).toEqual([
      {
        id: 'm1',
        broker: 'kafka',
        origin: expect.any(String) as string,
        fate: 'rejected-by-broker',
        deliveries: 0,
      },
    ]);
  });

  it('a plain producer retrying after an unanswered write duplicates the record; an idempotent one does not', async () => {
    const forced = {
      chooser: (kind: string) => (kind === 'kafka:send-outcome' ? 1 : 0),
      faults: [{ kind: 'unavailable' as const, broker: 'kafka', fromMs: 0, untilMs: 500 }],
    };
    for (const idempotent of [false, true]) {
      const { kafka, sim } = await world(forced);
      const producer = kafka.producer({ idempotent });
      await producer.connect();
      const sent = producer.send({ topic: 'orders', messages: [{ key: 'k', value: 'pay' }] });
      await sim.runUntilIdle();
      await expect(sent).resolves.toHaveLength(1);
      expect(kafka.records('orders', 0).map((r) => r.value)).toEqual(
        idempotent ? ['pay'] : ['pay', 'pay', 'pay'],
      );
    }
  });

  it('a send that fails every retry rejects with BROKER_UNAVAILABLE and its never-written records are rejected-by-broker', async () => {
    const { kafka, sim } = await world({
      chooser: () => 0,
      faults: [{ kind: 'unavailable', broker: 'kafka', fromMs: 0, untilMs: 1_000_000 }],
    });
    const producer = kafka.producer({ retry: { retries: 2, initialRetryTime: 100 } });
    await producer.connect();
    const sent = producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    sent.catch(() => {});
    await sim.runUntilIdle();
    expect(await code(sent)).toBe('BROKER_UNAVAILABLE');
    expect(sim.now()).toBe(300);
    expect(sim.ledger.count('rejected-by-broker')).toBe(2);
  });

  it('rejects bad input with typed errors', async () => {
    const { kafka, producer } = await world();
    expect(await code(producer.send({ topic: 'nope', messages: [{ value: 'x' }] }))).toBe(
      'SIM_UNKNOWN_TARGET',
    );
    expect(await code(producer.send({ topic: 'orders', messages: [{ value: 'x', partition: 5 }] }))).toBe(
      'SIM_UNKNOWN_TARGET',
    );
    expect(await code(producer.send({ topic: 'orders', messages: [] }))).toBe('INVALID_ARGUMENT');
    expect(await code(kafka.producer().send({ topic: 'orders', messages: [{ value: 'x' }] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await code(() => kafka.createTopic('zero', { partitions: 0 }))).toBe('SIM_CONFIG');
    expect(await code(() => kafka.createTopic('orders', { partitions: 4 }))).toBe('SIM_CONFIG');
    expect(await code(() => kafka.createTopic('bad name!', { partitions: 1 }))).toBe('SIM_CONFIG');
    expect(await code(() => kafka.producer({ idempotent: true, acks: 1 }))).toBe('SIM_CONFIG');
    expect(await code(() => kafka.consumer({ groupId: '' }))).toBe('SIM_CONFIG');
    expect(await code(() => kafka.consumer({ groupId: 'g', assignor: 'sticky' as never }))).toBe(
      'SIM_CONFIG',
    );
    expect(await code(() => simKafka(createSimulation({ seed: 1 }), { defaultPartitions: 0 }))).toBe(
      'SIM_CONFIG',
    );
    // A string is not a boolean: 'no' would have switched auto creation on.
    expect(() => simKafka(createSimulation({ seed: 1 }), { allowAutoTopicCreation: 'no' as never })).toThrow(
      /allowAutoTopicCreation must be true or false, got "no"/,
    );
    // A send with no topic names the missing argument, not a topic called 'undefined'.
    await expect(producer.send({ messages: [{ value: 'x' }] } as never)).rejects.toThrow(
      /no topic was given/,
    );
    const consumer = kafka.consumer({ groupId: 'g' });
    expect(await code(consumer.subscribe({ topic: 'nope' }))).toBe('SIM_UNKNOWN_TARGET');
    expect(await code(consumer.run({ eachMessage: () => {} }))).toBe('INVALID_ARGUMENT');
    expect(() => kafka.lag('g', 'nope')).toThrowErrorMatchingInlineSnapshot(
      `[EventproofError: [eventproof] Failed to read consumer lag: topic 'nope' does not exist. Create it first with kafka.createTopic('nope', { partitions: 1 }) or admin().createTopics(...), or pass { allowAutoTopicCreation: true } to simKafka.]`,
    );
  });

  it('creates unknown topics on first use when auto creation is on, and through the admin client', async () => {
    const sim = createSimulation({ seed: 1 });
    const kafka = simKafka(sim, { allowAutoTopicCreation: true, defaultPartitions: 2 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'auto', messages: [{ value: 'x' }] });
    expect(kafka.offsets('auto')).toHaveLength(2);
    const admin = kafka.admin();
    expect(
      await admin.createTopics({
        topics: [
          { topic: 'made', numPartitions: 4, configEntries: [{ name: 'retention.ms', value: '1000' }] },
        ],
      }),
    ).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'made', numPartitions: 4 }] })).toBe(false);
    expect(await admin.listTopics()).toEqual(['auto', 'made']);
  });
});

describe('Kafka model: consuming', () => {
  it('which partition is delivered next is a recorded decision; one seed gives one trace, and replay reproduces it', async () => {
    const scenario = async (options: SimulationOptions) => {
      const { sim, kafka, producer } = await world({
        partitions: 4,
        faults: [
          { kind: 'duplicate', probability: 0.2 },
          { kind: 'delay', probability: 0.2, delayMs: 50 },
          { kind: 'crash-before-ack', probability: 0.05 },
        ],
        ...options,
      });
      for (const id of ['a', 'b']) {
        const c = kafka.consumer({ groupId: 'g', sessionTimeoutMs: 1000 });
        await c.subscribe({ topic: 'orders', fromBeginning: true });
        await c.run({
          eachMessage: async () => void (await new Promise((r) => setTimeout(r, id === 'a' ? 3 : 7))),
        });
      }
      await producer.send({
        topic: 'orders',
        messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` })),
      });
      await sim.runUntilIdle();
      return sim;
    };
    const first = await scenario({ seed: 11 });
    const again = await scenario({ seed: 11 });
    expect(first.trace.render()).toBe(again.trace.render());
    expect(first.decisions.decisions.some((d) => d.kind === 'kafka:deliver-next')).toBe(true);
    const replayed = await scenario({ seed: 99, replay: first.decisions.decisions });
    expect(replayed.trace.render()).toBe(first.trace.render());
    const other = await scenario({ seed: 12 });
    expect(other.trace.render()).not.toBe(first.trace.render());
  });

  it('a synchronous handler works through a fetch of maxBatchSize records per decision, replayably', async () => {
    const scenario = async (options: SimulationOptions) => {
      const { sim, kafka, producer } = await world({ partitions: 2, ...options });
      const seen: string[] = [];
      for (const id of ['a', 'b']) {
        const c = kafka.consumer({ groupId: 'g', maxBatchSize: 3 });
        await c.subscribe({ topic: 'orders', fromBeginning: true });
        await c.run({
          eachMessage: ({ partition, message }) => void seen.push(`${id}:${partition}@${message.offset}`),
        });
      }
      await producer.send({
        topic: 'orders',
        messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `p0-${i}` })).concat(
          Array.from({ length: 10 }, (_, i) => ({ partition: 1, value: `p1-${i}` })),
        ),
      });
      await sim.runUntilIdle();
      return { sim, kafka, seen };
    };
    const first = await scenario({ seed: 5 });
    // Runs of one partition: each is 3 records (a fetch) except the one that reaches the log end.
    const runs: string[][] = [];
    for (const s of first.seen) {
      const last = runs.at(-1);
      if (last && last[0]!.split('@')[0] === s.split('@')[0]) last.push(s);
      else runs.push([s]);
    }
    for (const partition of ['0', '1']) {
      const lengths = runs.filter((r) => r[0]!.split(':')[1]!.startsWith(partition)).map((r) => r.length);
      expect(lengths.reduce((a, b) => a + b, 0)).toBe(10);
      expect(lengths.slice(0, -1).every((n) => n % 3 === 0)).toBe(true);
    }
    const decisions = first.sim.decisions.decisions.filter((d) => d.kind === 'kafka:deliver-next');
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.length).toBeLessThanOrEqual(8); // 4 fetches per partition at most, not 20 decisions
    expect(first.kafka.lag('g', 'orders').total).toBe(0);
    expect(first.sim.ledger.count('acked')).toBe(20);
    const replayed = await scenario({ seed: 77, replay: first.sim.decisions.decisions });
    expect(replayed.seen).toEqual(first.seen);
    expect(replayed.sim.trace.render()).toBe(first.sim.trace.render());
  });

  it('the fast path for synchronous handlers behaves exactly as the traced path, seek included', async () => {
    const scenario = async (trace: boolean) => {
      const { sim, kafka, producer } = await world({ trace });
      await producer.send({
        topic: 'orders',
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })),
      });
      const consumer = kafka.consumer({ groupId: 'g' });
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      const seen: string[] = [];
      await consumer.run({
        eachMessage: ({ message }) => {
          seen.push(`${message.offset}:${kafka.committedOffsets('g', 'orders')[0]}`);
          if (message.offset === '2') consumer.seek({ topic: 'orders', partition: 0, offset: '7' });
        },
      });
      await sim.runUntilIdle();
      return {
        seen,
        committed: kafka.committedOffsets('g', 'orders'),
        fates: sim.ledger.all().map((e) => e.fate),
      };
    };
    const traced = await scenario(true);
    expect(traced.seen).toEqual(['0:-1', '1:1', '2:2', '7:7', '8:8', '9:9']);
    expect(await scenario(false)).toEqual(traced);
  });

  it.each([true, false])(
    'a seek out of range resets as kafkajs does: to the earliest offset with fromBeginning (%s), else the latest',
    async (fromBeginning) => {
      const { sim, kafka, producer } = await world();
      const send = (from: number, count: number) =>
        producer.send({
          topic: 'orders',
          messages: Array.from({ length: count }, (_, i) => ({ value: `v${from + i}` })),
        });
      await send(0, 4);
      const consumer = kafka.consumer({ groupId: 'g' });
      await consumer.subscribe({ topic: 'orders', fromBeginning });
      const seen: string[] = [];
      await consumer.run({
        eachMessage: ({ message }) => {
          seen.push(message.offset);
          if (seen.length === 1) consumer.seek({ topic: 'orders', partition: 0, offset: '999' });
        },
      });
      await sim.runUntilIdle();
      // Without fromBeginning the consumer starts at the end: new records start the reading.
      if (!fromBeginning) {
        await send(4, 1);
        await sim.runUntilIdle();
        await send(5, 1);
        await sim.runUntilIdle();
      }
      // With fromBeginning the reset goes back to offset 0: the partition is read again from the start.
      expect(seen).toEqual(fromBeginning ? ['0', '0', '1', '2', '3'] : ['4', '5']);
      expect(sim.trace.render()).toContain(
        `seek to 999 is out of range (0..${fromBeginning ? 4 : 5}): reset to the ${fromBeginning ? 'earliest offset 0' : 'latest offset 5'}`,
      );
    },
  );

  it('a seek made before the assignment resets the same way when it is out of range', async () => {
    const { sim, kafka, producer } = await world();
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    const consumer = kafka.consumer({ groupId: 'g' });
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    consumer.seek({ topic: 'orders', partition: 0, offset: '999' });
    const seen: string[] = [];
    await consumer.run({ eachMessage: ({ message }) => void seen.push(message.offset) });
    await sim.runUntilIdle();
    expect(seen).toEqual(['0', '1']);
    expect(sim.trace.render()).toContain(
      'seek to 999 is out of range (0..2): reset to the earliest offset 0',
    );
  });

  it('a duplicate fault redelivers the record right away and never reorders the partition', async () => {
    const { sim, kafka, producer } = await world({ faults: [{ kind: 'duplicate', probability: 0.5 }] });
    const seen: string[] = [];
    const c = kafka.consumer({ groupId: 'g' });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await c.run({ eachMessage: ({ message }) => void seen.push(message.value!.toString()) });
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 20 }, (_, i) => ({ value: String(i).padStart(2, '0') })),
    });
    await sim.runUntilIdle();
    expect(seen.length).toBeGreaterThan(20);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(20);
    expect(sim.trace.events.some((e) => e.kind === 'redeliver')).toBe(true);
  });

  it('every delivery hands a new message object, so a handler that changes its message changes no redelivery', async () => {
    const { sim, kafka, producer } = await world();
    // The first delivery is duplicated; the second takes the fault away, so it is the last.
    const stop = sim.faults.add({ kind: 'duplicate', probability: 1 });
    const seen: { key: string | null; offset: string; value: string }[] = [];
    const messages: object[] = [];
    const c = kafka.consumer({ groupId: 'g' });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await c.run({
      eachMessage: ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? null,
          offset: message.offset,
          value: message.value!.toString(),
        });
        messages.push(message);
        if (messages.length === 2) stop();
        // A handler that tidies its message up after use.
        const writable = message as { -readonly [K in keyof typeof message]: (typeof message)[K] };
        writable.key = null;
        writable.offset = 'changed';
      },
    });
    await producer.send({ topic: 'orders', messages: [{ key: 'o-1', value: 'paid' }] });
    await sim.runUntilIdle();
    expect(seen).toEqual([
      { key: 'o-1', offset: '0', value: 'paid' },
      { key: 'o-1', offset: '0', value: 'paid' },
    ]);
    expect(messages[0]).not.toBe(messages[1]);
    expect(kafka.records('orders', 0).map((r) => r.key)).toEqual(['o-1']);
  });

  it('crash-before-ack loses the commit, the consumer restarts after the session timeout and the record comes back', async () => {
    const { sim, kafka, producer } = await world();
    const stopCrashing = sim.faults.add({ kind: 'crash-before-ack', probability: 1, broker: 'kafka' });
    const seen: string[] = [];
    const c = kafka.consumer({ groupId: 'g', sessionTimeoutMs: 5000 });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await c.run({ eachMessage: ({ message }) => void seen.push(message.value!.toString()) });
    await producer.send({ topic: 'orders', messages: [{ value: 'once' }] });
    await sim.advance(4999);
    expect(seen).toEqual(['once']);
    expect(kafka.committedOffsets('g', 'orders')).toEqual([-1]);
    stopCrashing();
    await sim.runUntilIdle();
    expect(seen).toEqual(['once', 'once']);
    expect(sim.now()).toBe(5000);
    expect(kafka.committedOffsets('g', 'orders')).toEqual([1]);
    expect(sim.trace.events.filter((e) => e.kind === 'rebalance').map((e) => e.detail)).toEqual([
      expect.stringContaining('joined'),
      expect.stringContaining('joined'),
    ]);
  });

  it('consumers stall during an outage and resume when it ends', async () => {
    const { sim, kafka, producer } = await world({
      faults: [{ kind: 'unavailable', broker: 'kafka', target: 'orders', fromMs: 10, untilMs: 400 }],
    });
    await producer.send({ topic: 'orders', messages: [{ value: 'x' }] });
    const at: number[] = [];
    const c = kafka.consumer({ groupId: 'g' });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await sim.advance(10);
    await c.run({ eachMessage: () => void at.push(sim.now()) });
    await sim.runUntilIdle();
    expect(at).toEqual([400]);
  });

  it('a delay fault holds a record back without letting the next one overtake it', async () => {
    const { sim, kafka, producer } = await world({
      faults: [{ kind: 'delay', probability: 1, delayMs: 250 }],
    });
    const seen: string[] = [];
    const c = kafka.consumer({ groupId: 'g' });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await c.run({ eachMessage: ({ message }) => void seen.push(`${String(message.value)}@${sim.now()}`) });
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    await sim.runUntilIdle();
    expect(seen).toEqual(['a@250', 'b@500']);
  });

  it('a handler that never settles is reported stuck, and its partition does not move on', async () => {
    const { sim, kafka, producer } = await world();
    const c = kafka.consumer({ groupId: 'g' });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    let calls = 0;
    await c.run({ eachMessage: () => (calls++, new Promise<void>(() => {})) });
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    const result = await sim.runUntilIdle();
    expect(result.stuck).toEqual([{ label: 'kafka g eachMessage m1 (orders/0@0)', since: 0 }]);
    expect(calls).toBe(1);
  });

  it('a handler throwing a non-Error value is traced and retried with backoff; the world carries on', async () => {
    const { sim, kafka, producer } = await world();
    const c = kafka.consumer({ groupId: 'g', retryInitialMs: 100 });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    let calls = 0;
    await c.run({
      eachMessage: () => {
        calls++;
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: a non-Error thrown value
        if (calls < 3) throw { reason: 'nope' };
      },
    });
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }] });
    await sim.runUntilIdle();
    expect(calls).toBe(3);
    expect(sim.now()).toBe(300);
    const errors = sim.trace.events.filter((e) => e.kind === 'error').map((e) => e.detail);
    expect(errors).toEqual([
      expect.stringContaining('a non-Error value {"reason":"nope"}; retry in 100ms'),
      expect.stringContaining('retry in 200ms'),
    ]);
    expect(kafka.committedOffsets('g', 'orders')).toEqual([1]);
  });

  it('auto commit with an interval commits in virtual time, not per message', async () => {
    const { sim, kafka, producer } = await world();
    const c = kafka.consumer({ groupId: 'g', autoCommitIntervalMs: 5000 });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await c.run({ eachMessage: () => {} });
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    await sim.advance(4999);
    expect(kafka.committedOffsets('g', 'orders')).toEqual([-1]);
    expect(kafka.lag('g', 'orders').total).toBe(2);
    await sim.advance(1);
    expect(kafka.committedOffsets('g', 'orders')).toEqual([2]);
  });

  it('after retention drops most of a log, every record still comes with its own offset, in every delivery path', async () => {
    const sim = createSimulation({ seed: 1, trace: false });
    const kafka = simKafka(sim);
    kafka.createTopic('orders', { partitions: 1, retentionMs: 2000 });
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, count: number) =>
      producer.send({
        topic: 'orders',
        messages: Array.from({ length: count }, (_, i) => ({ value: `v${from + i}` })),
      });
    await send(0, 2000);
    await sim.advance(1500);
    await send(2000, 500);
    await sim.advance(600); // the first 2,000 expire; the log drops them and compacts
    expect(kafka.offsets('orders')[0]).toMatchObject({ low: 2000, high: 2500 });
    const pairs = (list: { offset: string; value: Buffer | null }[]) =>
      list.map((m) => `${m.offset}=${String(m.value)}`);
    const expected = Array.from({ length: 500 }, (_, i) => `${2000 + i}=v${2000 + i}`);
    // The delivery run (sync handler), the general path (async handler) and eachBatch.
    const sync: string[] = [];
    const once = kafka.consumer({ groupId: 'sync' });
    await once.subscribe({ topic: 'orders', fromBeginning: true });
    await once.run({ eachMessage: ({ message }) => void sync.push(...pairs([message])) });
    const async: string[] = [];
    const slow = kafka.consumer({ groupId: 'async' });
    await slow.subscribe({ topic: 'orders', fromBeginning: true });
    await slow.run({
      eachMessage: async ({ message }) => {
        await Promise.resolve();
        async.push(...pairs([message]));
      },
    });
    const batched: string[] = [];
    const batch = kafka.consumer({ groupId: 'batch' });
    await batch.subscribe({ topic: 'orders', fromBeginning: true });
    await batch.run({
      eachBatch: async ({ batch: b }) => {
        await Promise.resolve();
        batched.push(...pairs(b.messages));
      },
    });
    await sim.runUntilIdle();
    expect(sync).toEqual(expected);
    expect(async).toEqual(expected);
    expect(batched).toEqual(expected);
  });

  it('a crash loses processed-but-uncommitted offsets: they are redelivered after the session timeout', async () => {
    const { sim, kafka, producer } = await world();
    const seen: string[] = [];
    const make = async (name: string) => {
      const c = kafka.consumer({ groupId: 'g', autoCommitIntervalMs: 5000, sessionTimeoutMs: 3000 });
      await c.subscribe({ topic: 'orders', fromBeginning: true });
      await c.run({ eachMessage: ({ message }) => void seen.push(`${name}:${String(message.value)}`) });
      return c;
    };
    const a = await make('a');
    await producer.send({ topic: 'orders', messages: [{ value: '1' }, { value: '2' }] });
    await sim.advance(1000);
    a.crash();
    await make('b');
    await sim.runUntilIdle();
    expect(seen).toEqual(['a:1', 'a:2', 'b:1', 'b:2']);
    expect(sim.trace.events.filter((e) => e.kind === 'rebalance').at(-1)?.detail).toMatch(
      /^gen \d+ \(consumer-2 joined\)|session timeout/,
    );
  });

  it('eachBatch gets the available records at once; on a throw it resumes after the last resolved offset', async () => {
    const { sim, kafka, producer } = await world();
    const batches: string[][] = [];
    const c = kafka.consumer({ groupId: 'g', retryInitialMs: 10 });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await producer.send({ topic: 'orders', messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })) });
    await c.run({
      eachBatchAutoResolve: false,
      eachBatch: ({ batch, resolveOffset }) => {
        batches.push(batch.messages.map((m) => m.value!.toString()));
        for (const m of batch.messages) {
          if (batches.length === 1 && m.value!.toString() === 'c') throw new Error('boom');
          resolveOffset(m.offset);
        }
      },
    });
    await sim.runUntilIdle();
    expect(batches).toEqual([
      ['a', 'b', 'c', 'd'],
      ['c', 'd'],
    ]);
    expect(kafka.committedOffsets('g', 'orders')).toEqual([4]);
  });

  it('pause stops deliveries of a partition until resume', async () => {
    const { sim, kafka, producer } = await world();
    const seen: string[] = [];
    const c = kafka.consumer({ groupId: 'g' });
    await c.subscribe({ topic: 'orders', fromBeginning: true });
    await c.run({
      eachMessage: ({ message, pause }) =>
        void (seen.push(message.value!.toString()), message.value!.toString() === 'a' && pause()),
    });
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    await sim.runUntilIdle();
    expect(seen).toEqual(['a']);
    expect(c.paused()).toEqual([{ topic: 'orders', partitions: [0] }]);
    c.resume([{ topic: 'orders' }]);
    await sim.runUntilIdle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('partitionsConsumedConcurrently lets one consumer work on several partitions at once', async () => {
    for (const [concurrency, expected] of [
      [1, 20],
      [2, 10],
    ] as const) {
      const { sim, kafka, producer } = await world({ partitions: 2 });
      const c = kafka.consumer({ groupId: 'g' });
      await c.subscribe({ topic: 'orders', fromBeginning: true });
      await c.run({
        partitionsConsumedConcurrently: concurrency,
        eachMessage: () => new Promise((r) => setTimeout(r, 10)),
      });
      await producer.send({
        topic: 'orders',
        messages: [
          { value: 'a', partition: 0 },
          { value: 'b', partition: 1 },
        ],
      });
      await sim.runUntilIdle();
      expect(sim.now()).toBe(expected);
    }
  });

  it('a rebalance with an in-flight handler fences its commit: the new owner processes the record again', async () => {
    const { sim, kafka, producer } = await world({ partitions: 2 });
    const seen: string[] = [];
    const a = kafka.consumer({ groupId: 'g' });
    await a.subscribe({ topic: 'orders', fromBeginning: true });
    await a.run({
      eachMessage: async ({ message }) =>
        void (await new Promise((r) => setTimeout(r, 100)), seen.push(`a:${String(message.value)}`)),
    });
    await producer.send({ topic: 'orders', messages: [{ value: 'p1', partition: 1 }] });
    const b = kafka.consumer({ groupId: 'g' });
    await b.subscribe({ topic: 'orders', fromBeginning: true });
    // b joins at 50 ms, inside the run, while a's handler sleeps (a timer that must not outlive the run).
    sim.schedule(50, 'b joins', () =>
      b.run({ eachMessage: ({ message }) => void seen.push(`b:${String(message.value)}`) }),
    );
    await sim.runUntilIdle();
    expect(seen).toEqual(['b:p1', 'a:p1']);
    expect(kafka.assignment('g')).toEqual({ 'consumer-1': ['orders/0'], 'consumer-2': ['orders/1'] });
    expect(kafka.committedOffsets('g', 'orders')).toEqual([-1, 1]);
    expect(kafka.rebalances('g').map((r) => r.generation)).toEqual([1, 2]);
  });

  it('a group mixing assignors is refused, as Kafka refuses an inconsistent group protocol', async () => {
    const { kafka } = await world();
    const a = kafka.consumer({ groupId: 'g', assignor: 'range' });
    await a.subscribe({ topic: 'orders' });
    await a.run({ eachMessage: () => {} });
    const b = kafka.consumer({ groupId: 'g', partitionAssigners: ['roundrobin'] });
    await b.subscribe({ topic: 'orders' });
    expect(await code(b.run({ eachMessage: () => {} }))).toBe('SIM_CONFIG');
  });

  it('admin setOffsets replays a stopped group from an offset; fetchOffsets reads commits', async () => {
    const { sim, kafka, producer } = await world();
    await producer.send({ topic: 'orders', messages: ['a', 'b', 'c'].map((value) => ({ value })) });
    const admin = kafka.admin();
    await admin.setOffsets({ groupId: 'g', topic: 'orders', partitions: [{ partition: 0, offset: '1' }] });
    expect(await admin.fetchOffsets({ groupId: 'g', topics: ['orders'] })).toEqual([
      { topic: 'orders', partitions: [{ partition: 0, offset: '1' }] },
    ]);
    const seen: string[] = [];
    const c = kafka.consumer({ groupId: 'g' });
    await c.subscribe({ topic: 'orders' });
    await c.run({ eachMessage: ({ message }) => void seen.push(message.value!.toString()) });
    await sim.runUntilIdle();
    expect(seen).toEqual(['b', 'c']);
    expect(
      await code(
        admin.setOffsets({ groupId: 'g', topic: 'orders', partitions: [{ partition: 0, offset: '0' }] }),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('declares its capabilities', () => {
    expect(kafkaCapabilities).toMatchObject({
      broker: 'kafka',
      perKeyOrder: true,
      replay: true,
      nativeDeadLetter: false,
    });
  });
});
