import { describe, expect, it } from 'vitest';
import {
  rabbitMqBehaviour,
  simRabbitMqDriver,
  type AmqpChannelLike,
  type RabbitMqDriver,
} from '../../public/sim.js';

const ruleNamed = (name: string) => {
  const found = rabbitMqBehaviour.find((r) => r.rule === name);
  if (!found) throw new Error(`no rule '${name}'`);
  return found;
};

async function runRule(name: string, driver: RabbitMqDriver): Promise<void> {
  try {
    await ruleNamed(name).run(driver);
  } finally {
    await driver.close();
  }
}

/** The simulator driver with its channels bent by `patch`: a deliberately wrong broker. */
function wrongDriver(
  patch: (channel: AmqpChannelLike) => Partial<AmqpChannelLike>,
  crash?: RabbitMqDriver['crash'],
): RabbitMqDriver {
  const driver = simRabbitMqDriver();
  return {
    ...driver,
    async channel() {
      const channel = await driver.channel();
      const overrides = patch(channel);
      return new Proxy(channel, {
        get: (target, prop, receiver): unknown =>
          prop in overrides
            ? overrides[prop as keyof AmqpChannelLike]
            : (Reflect.get(target, prop, receiver) as unknown),
      });
    },
    crash: crash ?? driver.crash,
  };
}

describe('RabbitMQ behaviour on the simulator', () => {
  for (const { rule } of rabbitMqBehaviour) {
    it(rule, async () => {
      await runRule(rule, simRabbitMqDriver());
    });
  }

  it("covers the strategy's four RabbitMQ rows", () => {
    const rows = new Set(rabbitMqBehaviour.map((r) => r.seedRow).filter(Boolean));
    expect([...rows].sort()).toEqual(['Acknowledgments', 'Dead letter', 'Routing keys', 'TTL']);
  });
});

describe('the rules fail on a broker that breaks them', () => {
  it('topic rule fails when the topic exchange behaves like fanout', async () => {
    const driver = wrongDriver((ch) => ({
      assertExchange: (name, type, options) =>
        ch.assertExchange(name, type === 'topic' ? 'fanout' : type, options),
    }));
    await expect(
      runRule('topic: * matches exactly one word, # matches zero or more', driver),
    ).rejects.toThrow();
  });

  it('DLX rule fails when nack(requeue=false) just discards', async () => {
    const driver = wrongDriver((ch) => ({ nack: (message) => ch.ack(message) }));
    await expect(runRule('nack with requeue=false routes to the DLX', driver)).rejects.toThrow(
      /DLQ received/,
    );
  });

  it('redelivered rule fails when the flag is never set', async () => {
    const driver = wrongDriver((ch) => ({
      consume: (queue, onMessage, options) =>
        ch.consume(
          queue,
          (message) =>
            onMessage(message && { ...message, fields: { ...message.fields, redelivered: false } }),
          options,
        ),
      // The rule acks only a redelivered message; without the flag it would nack forever, so ack the second time.
      nack: (() => {
        let calls = 0;
        return (message, allUpTo, requeue) =>
          ++calls > 1 ? ch.ack(message) : ch.nack(message, allUpTo, requeue);
      })(),
    }));
    await expect(
      runRule('nack with requeue=true redelivers with redelivered=true', driver),
    ).rejects.toThrow();
  });

  it('prefetch rule fails when prefetch is ignored', async () => {
    const driver = wrongDriver(() => ({ prefetch: () => Promise.resolve({}) }));
    await expect(runRule('prefetch limits unacked deliveries', driver)).rejects.toThrow();
  });

  it('crash rule fails when a crash loses the unacked messages', async () => {
    const base = simRabbitMqDriver();
    const driver: RabbitMqDriver = {
      ...base,
      async crash(channel) {
        (channel as unknown as { ackAll(): void }).ackAll();
        await base.crash(channel);
      },
    };
    await expect(
      runRule('a consumer crash requeues its unacked messages with redelivered=true', driver),
    ).rejects.toThrow();
  });

  it('TTL rule fails when the queue TTL is dropped', async () => {
    const driver = wrongDriver((ch) => ({
      assertQueue: (name, options) => ch.assertQueue(name, { ...options, messageTtl: undefined }),
    }));
    await expect(runRule('per-queue TTL expires to the DLX with reason expired', driver)).rejects.toThrow();
  });

  it('quorum rule fails on a classic queue without a delivery limit', async () => {
    const driver = wrongDriver((ch) => ({
      assertQueue: (name, options) => ch.assertQueue(name, { ...options, arguments: {} }),
    }));
    await expect(runRule('a quorum queue dead-letters after the delivery limit', driver)).rejects.toThrow();
  });

  it('alternate-exchange rule fails when the alternate exchange is not set', async () => {
    const driver = wrongDriver((ch) => ({
      assertExchange: (name, type, options) =>
        ch.assertExchange(name, type, { ...options, alternateExchange: undefined }),
    }));
    await expect(runRule('unroutable messages go to the alternate exchange', driver)).rejects.toThrow();
  });
});
