// The examples of docs/brokers.md, executed against real brokers. Each `#region name` is shown
// verbatim in the guide; the last test fails when a block there drifts from its region here.
import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { kafka } from 'eventproof/kafka';
import { faultProxy, rabbitmq } from 'eventproof/rabbitmq';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { expectGuideShowsRegions } from '../support/guide-regions.js';
import { OrderCreated } from './events.js';

const kafkaBroker = await brokerUnderTest('kafka');
const rabbitBroker = await brokerUnderTest('rabbitmq');

describeWithBroker(kafkaBroker, 'docs/brokers.md on Kafka', () => {
  // #region layer4
  it('OrderCreated flows through Kafka', async () => {
    await using probe = await kafka.probe();
    const orders = await probe.topic('orders');

    await probe.publish(orders, OrderCreated, { orderId: '123', amount: 100 });

    const messages = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000, count: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.payload).toEqual({ orderId: '123', amount: 100 });
  });
  // #endregion layer4
});

describeWithBroker(rabbitBroker, 'docs/brokers.md on RabbitMQ', () => {
  // #region dead-letter
  it('a rejected message is dead-lettered with its reason', async () => {
    await using probe = await rabbitmq.probe();
    const orders = await probe.queue('orders', { deadLetter: true });
    await probe.publish(orders, { value: 'not valid json' });

    // The code under test rejects the poison message without requeueing it.
    const connection = await amqp.connect(probe.amqpUrl);
    const channel = await connection.createChannel();
    await channel.consume(orders.name, (message) => message && channel.reject(message, false));

    const [dead] = await probe.expect(orders.deadLetter!).toReceive((m) => m.payload === 'not valid json');
    expect(dead?.properties['xDeath']).toMatchObject([{ reason: 'rejected', queue: orders.name }]);
    await connection.close();
  });
  // #endregion dead-letter

  // #region fault-proxy
  it('an order published while RabbitMQ is down is not lost', async () => {
    await using probe = await rabbitmq.probe();
    await using proxy = await faultProxy({ upstream: probe.amqpUrl });
    const orders = await probe.queue('orders');

    // The code under test connects through the proxy and publishes with confirms.
    const publishOrder = async (orderId: string) => {
      const connection = await amqp.connect(proxy.url(probe.amqpUrl));
      try {
        const channel = await connection.createConfirmChannel();
        const { value, headers } = OrderCreated.encode({ orderId, amount: 10 });
        channel.sendToQueue(orders.name, Buffer.from(value), { headers });
        await channel.waitForConfirms();
      } finally {
        await connection.close().catch(() => undefined);
      }
    };

    await proxy.with({ type: 'down' }, async () => {
      await expect(publishOrder('42')).rejects.toThrow(/ECONNREFUSED/); // fails fast
    });
    await publishOrder('42'); // the broker is back: the retry succeeds
    await probe.expect(orders).toReceive({ event: OrderCreated, where: { orderId: '42' } }, { count: 1 });
  });
  // #endregion fault-proxy
});

describe('docs/brokers.md', () => {
  it('shows executed code: every marked block equals its region in test/brokers/guide.test.ts', () => {
    expect(expectGuideShowsRegions('docs/brokers.md', 'test/brokers/guide.test.ts')).toEqual([
      'layer4',
      'dead-letter',
      'fault-proxy',
    ]);
  });
});
