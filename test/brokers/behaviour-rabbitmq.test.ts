import { expect, it } from 'vitest';
import { rabbitMqDriver } from 'eventproof/rabbitmq';
import { rabbitMqBehaviour, type AmqpChannelLike, type RabbitMqDriver } from 'eventproof/sim';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';

const broker = await brokerUnderTest('rabbitmq');

async function runRule(name: string, driver: RabbitMqDriver): Promise<void> {
  const found = rabbitMqBehaviour.find((r) => r.rule === name);
  if (!found) throw new Error(`no rule '${name}'`);
  try {
    await found.run(driver);
  } finally {
    await driver.close();
  }
}

/** The real driver with its channels bent by `patch`: the real broker, used wrongly. */
async function bentDriver(
  patch: (channel: AmqpChannelLike) => Partial<AmqpChannelLike>,
  settle?: RabbitMqDriver['settle'],
): Promise<RabbitMqDriver> {
  const driver = await rabbitMqDriver({ url: broker.url, label: 'behaviour-bent' });
  return {
    name: driver.name,
    unique: (base) => driver.unique(base),
    async channel() {
      const channel = await driver.channel();
      return { ...channel, ...patch(channel) };
    },
    crash: (channel) => driver.crash(channel),
    settle: settle ?? (() => driver.settle()),
    wait: (ms) => driver.wait(ms),
    stats: (queue) => driver.stats(queue),
    close: () => driver.close(),
  };
}

// The same rules the simulator is held to (src/sim/rabbitmq/behaviour.test.ts), against the real
// broker: where they disagree, the broker is right and the model is fixed.
describeWithBroker(broker, 'RabbitMQ behaviour on a real broker', () => {
  for (const { rule } of rabbitMqBehaviour) {
    it(rule, async () => {
      await runRule(rule, await rabbitMqDriver({ url: broker.url, label: 'behaviour' }));
    });
  }

  it('the topic rule fails when the topic exchange is declared as fanout', async () => {
    const driver = await bentDriver((ch) => ({
      assertExchange: (name, type, options) =>
        ch.assertExchange(name, type === 'topic' ? 'fanout' : type, options),
    }));
    await expect(
      runRule('topic: * matches exactly one word, # matches zero or more', driver),
    ).rejects.toThrow();
  });

  it('the DLX rule fails when nack(requeue=false) is turned into an ack', async () => {
    const driver = await bentDriver((ch) => ({ nack: (message) => ch.ack(message) }));
    await expect(runRule('nack with requeue=false routes to the DLX', driver)).rejects.toThrow(
      /DLQ received/,
    );
  });

  it('the prefetch rule fails when settle() does not wait for the broker', async () => {
    const driver = await bentDriver(
      () => ({}),
      () => Promise.resolve(),
    );
    await expect(runRule('prefetch limits unacked deliveries', driver)).rejects.toThrow();
  });
});
