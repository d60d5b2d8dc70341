import { describe, expect, it } from 'vitest';
import {
  kafkaBehaviour,
  simKafkaDriver,
  type DriverConsumer as KafkaDriverConsumer,
  type KafkaDriver,
  type ReceivedRecord,
} from './behaviour.js';

describe('Kafka model: behavioural suite on the simulator', () => {
  it.each(kafkaBehaviour.map((r) => [r.rule, r] as const))('%s', async (_title, rule) => {
    await rule.run(simKafkaDriver({ seed: 7 }));
  });

  it("covers the seed's four Kafka rows", () => {
    expect(new Set(kafkaBehaviour.map((r) => r.seedRow).filter(Boolean))).toEqual(
      new Set(['partition ordering', 'consumer groups', 'offset management', 'rebalancing']),
    );
  });
});

describe('Kafka behavioural rules fail on deliberately wrong models', () => {
  const rule = (name: string) => {
    const found = kafkaBehaviour.find((r) => r.rule.startsWith(name));
    if (!found) throw new Error(`no rule ${name}`);
    return found;
  };

  it('the key rule fails when the producer drops keys (round-robin placement)', async () => {
    const d = simKafkaDriver();
    const wrong: KafkaDriver = {
      ...d,
      produce: (topic, list, o) =>
        d.produce(
          topic,
          list.map((m) => ({ value: m.value, timestamp: m.timestamp })),
          o,
        ),
    };
    await expect(rule('records with the same key').run(wrong)).rejects.toThrow();
  });

  it('the ordering rule fails when a consumer sees a partition out of order', async () => {
    const d = simKafkaDriver();
    const wrong: KafkaDriver = {
      ...d,
      startConsumer: async (options) => {
        const c = await d.startConsumer(options);
        const reversed: ReceivedRecord[] = [];
        return {
          ...c,
          get received() {
            reversed.length = 0;
            reversed.push(...[...c.received].reverse());
            return reversed;
          },
        };
      },
    };
    await expect(rule('order is kept within a partition').run(wrong)).rejects.toThrow();
  });

  it('the consumer-group rule fails when each consumer is in a group of its own', async () => {
    const d = simKafkaDriver();
    let n = 0;
    const wrong: KafkaDriver = {
      ...d,
      startConsumer: (options) => d.startConsumer({ ...options, groupId: `${options.groupId}-${++n}` }),
    };
    await expect(rule('two consumers in one group').run(wrong)).rejects.toThrow();
  });

  it('the consumer-group rules fail when records arrive twice without a rebalance', async () => {
    const twice = (d: KafkaDriver): KafkaDriver => ({
      ...d,
      startConsumer: async (options) => {
        const c = await d.startConsumer(options);
        const push = c.received.push.bind(c.received);
        c.received.push = (...records) => push(...records, ...records);
        return c;
      },
    });
    await expect(
      rule('each consumer group receives every record').run(twice(simKafkaDriver())),
    ).rejects.toThrow(/each record once/);
    await expect(rule('two consumers in one group').run(twice(simKafkaDriver()))).rejects.toThrow(
      /each record once/,
    );
  });

  it('the offset rule fails when offsets are committed before processing', async () => {
    const d = simKafkaDriver();
    const wrong: KafkaDriver = {
      ...d,
      startConsumer: async (options) => {
        const self: KafkaDriverConsumer = await d.startConsumer({
          ...options,
          autoCommit: false,
          handler: async (r) => {
            await self.commit(r.partition, r.offset + 1);
            await options.handler?.(r);
          },
        });
        return self;
      },
    };
    await expect(rule('offsets are committed only after successful processing').run(wrong)).rejects.toThrow();
  });

  it('the rebalance rule fails when every consumer auto-commits whatever it is told', async () => {
    const d = simKafkaDriver();
    const wrong: KafkaDriver = {
      ...d,
      startConsumer: (options) => d.startConsumer({ ...options, autoCommit: true }),
    };
    await expect(rule('a rebalance redelivers uncommitted offsets').run(wrong)).rejects.toThrow();
  });

  it('the idempotence rule fails for a plain producer whose outage attempt was written but unanswered', async () => {
    const d = simKafkaDriver({ chooser: (kind) => (kind === 'kafka:send-outcome' ? 1 : 0) });
    const wrong: KafkaDriver = {
      ...d,
      produce: (topic, list) => d.produce(topic, list, { idempotent: false }),
    };
    await expect(rule('an idempotent producer does not duplicate on retry').run(wrong)).rejects.toThrow(
      /once/,
    );
    // …and the idempotent producer passes under the very same forced outcomes.
    await rule('an idempotent producer does not duplicate on retry').run(
      simKafkaDriver({ chooser: (kind) => (kind === 'kafka:send-outcome' ? 1 : 0) }),
    );
  });

  it('the retention rule fails on a topic that keeps records forever', async () => {
    const d = simKafkaDriver();
    const wrong: KafkaDriver = { ...d, createTopic: ({ partitions }) => d.createTopic({ partitions }) };
    await expect(rule('retention expires old records').run(wrong)).rejects.toThrow();
  });
});
