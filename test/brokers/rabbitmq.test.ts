import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rabbitmq, type RabbitMqProbe } from 'eventproof/rabbitmq';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { OrderCreated } from './events.js';

const broker = await brokerUnderTest('rabbitmq');

describeWithBroker(broker, 'RabbitMQ probe against a real broker', () => {
  let probe: RabbitMqProbe;
  // The code under test's own connection, as a service would open it.
  let app: ChannelModel;
  let channel: Channel;
  beforeAll(async () => {
    probe = await rabbitmq.probe({ url: broker.url, label: 'rabbit-test' });
    app = await amqp.connect(probe.amqpUrl);
    channel = await app.createChannel();
  });
  afterAll(async () => {
    await app.close();
    await probe.dispose();
  });

  it('Layer 4: OrderCreated published through the probe arrives exactly once with its order id', async () => {
    const orders = await probe.queue('orders');
    await probe.publish(orders, OrderCreated, { orderId: '123', amount: 100 });
    const messages = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000, count: 1 });
    expect(messages.map((m) => m.payload)).toEqual([{ orderId: '123', amount: 100 }]);
  });

  it('routing keys: only the queue bound with the matching key receives the message', async () => {
    const events = await probe.exchange('events', { type: 'topic' });
    const created = await probe.queue('created', {
      bindings: [{ exchange: events, routingKey: 'order.created' }],
    });
    const shipped = await probe.queue('shipped', {
      bindings: [{ exchange: events, routingKey: 'order.shipped' }],
    });
    await probe.publish(events, OrderCreated, { orderId: '1', amount: 1 }, { key: 'order.created' });
    await probe.expect(created).toReceive({ event: OrderCreated, key: 'order.created' });
    await probe.expect(shipped).toReceiveNothing({ withinMs: 150 });
    // The exchange's tap saw it too, with the routing key.
    const [tapped] = await probe.expect(events).toReceive(OrderCreated);
    expect(tapped?.properties['routingKey']).toBe('order.created');
  });

  it('ack/nack: a nack with requeue redelivers, flagged as redelivered', async () => {
    const work = await probe.queue('work');
    await probe.publish(work, OrderCreated, { orderId: '9', amount: 9 });
    const first = await nextMessage(channel, work.name);
    channel.nack(first, false, true);
    const again = await nextMessage(channel, work.name);
    expect(again.fields.redelivered).toBe(true);
    expect(OrderCreated.decode(again.content, {}).orderId).toBe('9');
    channel.ack(again);
    // Unacknowledged counts come from the management API's 5 s samples: settling may take one.
    await probe.settled({ timeoutMs: 8000 });
  }, 12_000);

  it('dead letter: a rejected message lands in the DLQ with its x-death reason', async () => {
    const orders = await probe.queue('rejecting', { deadLetter: true });
    await probe.publish(orders, { value: 'not valid json' });
    const poison = await nextMessage(channel, orders.name);
    channel.reject(poison, false);
    const [dead] = await probe.expect(orders.deadLetter!).toReceive((m) => m.payload === 'not valid json');
    const xDeath = dead?.properties['xDeath'] as { reason: string; queue: string }[];
    expect(xDeath[0]).toMatchObject({ reason: 'rejected', queue: orders.name });
  });

  it('TTL: an unconsumed message expires into the dead-letter queue', async () => {
    const orders = await probe.queue('expiring', { messageTtlMs: 50, deadLetter: true });
    await probe.publish(orders, OrderCreated, { orderId: '5', amount: 5 });
    const [dead] = await probe.expect(orders.deadLetter!).toReceive(OrderCreated, { timeoutMs: 3000 });
    expect((dead?.properties['xDeath'] as { reason: string }[])[0]?.reason).toBe('expired');
    await probe.expect(orders).toReceiveNothing({ withinMs: 50 });
  });

  it("wrong credentials fail with the broker's reason and never show the password", async () => {
    const url = new URL(broker.url);
    url.password = 'not-the-password-42';
    const error = await rabbitmq.probe({ url: url.toString() }).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('BROKER_OPERATION_FAILED');
    expect((error as Error).message).toMatch(
      /Failed to open an AMQP connection on rabbitmq at amqp:\/\/guest:\*\*\*@.*ACCESS_REFUSED/,
    );
    expect((error as Error).message).not.toContain('not-the-password-42');
  });

  it('settled() reports the queue still holding messages', async () => {
    const stuck = await probe.queue('stuck');
    await probe.publish(stuck, { value: 'waiting' });
    await expect(probe.settled({ timeoutMs: 200 })).rejects.toThrow(/stuck has 1 ready/);
    await probe.expect(stuck).toReceive((m) => m.payload === 'waiting');
  });
});

/** The next message on a queue, consumed manually (no auto-ack), as the code under test would. */
async function nextMessage(channel: Channel, queue: string): Promise<amqp.GetMessage> {
  for (let i = 0; i < 200; i++) {
    const message = await channel.get(queue, { noAck: false });
    if (message !== false) return message;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`nothing on ${queue}`);
}
