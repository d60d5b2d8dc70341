import amqp from 'amqplib';
import { expect, it } from 'vitest';
import { kafka, BrokerUnavailableError } from 'eventproof/kafka';
import { faultProxy, rabbitmq, BrokerOperationError } from 'eventproof/rabbitmq';
import { sqs } from 'eventproof/sqs';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { expectCutReported } from './cut.js';
import { OrderCreated } from './events.js';

const rabbit = await brokerUnderTest('rabbitmq');
const kafkaBroker = await brokerUnderTest('kafka');
const sqsBroker = await brokerUnderTest('sqs');

describeWithBroker(rabbit, 'the fault proxy in front of a real RabbitMQ', () => {
  it('a publish while the broker is down fails fast with a clear error; after it comes back, the order is delivered once', async () => {
    await using probe = await rabbitmq.probe({ url: rabbit.url, label: 'proxy' });
    await using proxy = await faultProxy({ upstream: rabbit.url });
    const orders = await probe.queue('orders');
    // The code under test: connect, publish with confirms, close; it retries when the broker is away.
    const publishOrder = async (orderId: string) => {
      const connection = await amqp.connect(proxy.url(probe.amqpUrl), { timeout: 500 });
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
      const started = performance.now();
      await expect(publishOrder('42')).rejects.toThrow(/ECONNREFUSED/);
      expect(performance.now() - started).toBeLessThan(500);
    });
    await publishOrder('42');
    const [order] = await probe
      .expect(orders)
      .toReceive({ event: OrderCreated, where: { orderId: '42' } }, { count: 1 });
    expect(order?.payload).toEqual({ orderId: '42', amount: 10 });
  });

  it('a probe whose connection is cut mid-test reports what it saw and what it waited for, within its timeout', async () => {
    await using proxy = await faultProxy({ upstream: rabbit.url });
    await using probe = await rabbitmq.probe({ url: proxy.url(rabbit.url), label: 'cut' });
    const orders = await probe.queue('orders');
    await expectCutReported(proxy, probe, orders, {
      timeoutMs: 300,
      withinMs: 1000,
      saw: 'the connection to RabbitMQ closed',
    });
    await expect(probe.publish(orders, { value: 'x' })).rejects.toThrow(BrokerOperationError);
  });

  it('a probe pointed at a broker that is down fails within the connect timeout, naming the redacted URL', async () => {
    await using proxy = await faultProxy({ upstream: rabbit.url });
    await proxy.with({ type: 'down' }, async () => {
      const started = performance.now();
      const error = await rabbitmq
        .probe({ url: proxy.url('amqp://admin:s3cret@127.0.0.1:5672'), connectTimeoutMs: 500 })
        .catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(800);
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect((error as Error).message).toContain(`amqp://admin:***@127.0.0.1:${proxy.port}`);
      expect((error as Error).message).not.toContain('s3cret');
    });
  });
});

describeWithBroker(kafkaBroker, 'the fault proxy in front of a real Kafka', () => {
  it('a probe bootstrapping through a downed proxy fails fast with BROKER_UNAVAILABLE; once up it connects', async () => {
    await using proxy = await faultProxy({ upstream: kafkaBroker.url });
    await proxy.with({ type: 'down' }, async () => {
      const error = await kafka.probe({ url: proxy.address, connectTimeoutMs: 300 }).catch((e: unknown) => e);
      expect((error as BrokerUnavailableError).code).toBe('BROKER_UNAVAILABLE');
    });
    // Kafka hands out its advertised listener after bootstrap, so only the bootstrap goes through the proxy.
    await using probe = await kafka.probe({ url: proxy.address, label: 'proxy' });
    const orders = await probe.topic('orders');
    await probe.publish(orders, OrderCreated, { orderId: '1', amount: 1 });
    await probe.expect(orders).toReceive(OrderCreated);
  });
});

describeWithBroker(sqsBroker, 'the fault proxy in front of SQS (ElasticMQ)', () => {
  it('a probe whose endpoint goes down mid-test reports the failed polls, fails its send fast, and loses nothing', async () => {
    await using proxy = await faultProxy({ upstream: sqsBroker.url });
    await using probe = await sqs.probe({ url: proxy.url(sqsBroker.url), label: 'cut' });
    const orders = await probe.queue('orders', { visibilityTimeoutSeconds: 1 });
    await probe.publish(orders, OrderCreated, { orderId: '1', amount: 1 });
    await probe.expect(orders).toReceive(OrderCreated);
    await proxy.with({ type: 'down' }, async () => {
      const started = performance.now();
      const error = await probe
        .expect(orders)
        .toReceive(OrderCreated, { timeoutMs: 400 })
        .catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(1500);
      expect((error as Error).message).toMatch(/0 of 1 arrived within 400 ms/);
      expect((error as Error).message).toMatch(/While waiting, the probe saw:\n.*ECONNREFUSED/);
      await expect(probe.publish(orders, { value: 'x' })).rejects.toThrow(BrokerOperationError);
    });
    // A long poll cut by the proxy may still be open on the server and take the next message; SQS
    // then hides it for the visibility timeout. It comes back: not lost.
    await probe.publish(orders, OrderCreated, { orderId: '2', amount: 2 });
    await probe
      .expect(orders)
      .toReceive({ event: OrderCreated, where: { orderId: '2' } }, { timeoutMs: 4000 });
  });
});
