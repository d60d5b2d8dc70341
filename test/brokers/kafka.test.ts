import { Consumer, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { kafka, type KafkaProbe, type KafkaTopic } from 'eventproof/kafka';
import { TimeoutError } from 'eventproof';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { OrderCreated, OrderShipped } from './events.js';

const broker = await brokerUnderTest('kafka');

describeWithBroker(broker, 'Kafka probe against a real broker', () => {
  let probe: KafkaProbe;
  beforeAll(async () => {
    probe = await kafka.probe({ url: broker.url, label: 'kafka-test' });
  });
  afterAll(() => probe.dispose());

  it('Layer 4: OrderCreated published through the probe arrives exactly once with its order id', async () => {
    const orders = await probe.topic('orders');
    await probe.publish(orders, OrderCreated, { orderId: '123', amount: 100 });
    const messages = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000, count: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.payload).toEqual({ orderId: '123', amount: 100 });
    expect(messages[0]?.key).toBe('123');
    expect(messages[0]?.headers['event-type']).toBe('OrderCreated');
  });

  it('times out with the near misses that did arrive', async () => {
    const orders = await probe.topic('near-miss');
    await probe.publish(orders, OrderCreated, { orderId: '2', amount: 5 });
    await probe.publish(orders, OrderShipped, { orderId: '1' });
    const error = await probe
      .expect(orders)
      .toReceive({ event: OrderCreated, where: { orderId: '1' } }, { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const text = (error as Error).message;
    expect(text).toContain('0 of 1 arrived within 300 ms');
    expect(text).toContain('Received instead, nearest first:');
    expect(text).toMatch(/#1 OrderCreated .*orderId: expected "1", received "2"/);
    expect(text).toMatch(/#2 OrderShipped .*\(another type\)/);
  });

  it('fails "exactly one" when a duplicate arrives', async () => {
    const orders = await probe.topic('duplicates');
    await probe.publish(orders, OrderCreated, { orderId: '7', amount: 1 });
    await probe.publish(orders, OrderCreated, { orderId: '7', amount: 1 });
    await expect(probe.expect(orders).toReceive(OrderCreated, { count: 1 })).rejects.toThrow(
      /receive exactly 1 × OrderCreated .*: 2 arrived/s,
    );
  });

  it('toReceiveNothing passes on a quiet topic and fails when something arrives', async () => {
    const quiet = await probe.topic('quiet');
    await probe.expect(quiet).toReceiveNothing({ withinMs: 200 });
    await probe.publish(quiet, { value: 'surprise' });
    await expect(probe.expect(quiet).toReceiveNothing({ withinMs: 200 })).rejects.toThrow(/1 arrived/);
  });

  it('settled() waits for the consumer group to commit, judged by admin-API lag', async () => {
    const orders = await probe.topic('settle', { partitions: 2 });
    for (let i = 0; i < 4; i++) await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i });
    const consumer = new Consumer({
      clientId: 'app',
      groupId: `${probe.prefix}-app`,
      bootstrapBrokers: probe.bootstrapBrokers,
      maxWaitTime: 50,
    });
    try {
      const stream = await consumer.consume({ topics: [orders.name], mode: 'earliest', autocommit: false });
      let handled = 0;
      stream.on('data', (message) => {
        handled++;
        void message.commit();
      });
      await probe.settled({ timeoutMs: 10_000 });
      expect(handled).toBe(4);
      const lag = await probe.lag([`${probe.prefix}-app`]);
      expect(lag.every((row) => row.lag === 0n)).toBe(true);
      await stream.close();
    } finally {
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    }
  });

  it('settled() reports the lag it is still waiting for', async () => {
    const orders = await probe.topic('stuck');
    await probe.publish(orders, OrderCreated, { orderId: '1', amount: 1 });
    await expect(
      probe.settled({ groups: [`${probe.prefix}-nobody`], topics: [orders], timeoutMs: 300 }),
    ).rejects.toThrow(/group .*-nobody lags 1 on .*stuck\[0\]/);
  });

  it('creates the dead-letter topic by the <topic>.DLT convention', async () => {
    const orders = await probe.topic('with-dlt', { deadLetter: true });
    expect(orders.deadLetter?.name).toBe(`${orders.name}.DLT`);
    const producer = new Producer({ clientId: 'app', bootstrapBrokers: probe.bootstrapBrokers });
    try {
      await producer.send({
        messages: [{ topic: orders.deadLetter!.name, value: Buffer.from('not valid json') }],
      });
    } finally {
      await producer.close();
    }
    const [poison] = await probe
      .expect(orders.deadLetter as KafkaTopic)
      .toReceive((m) => m.payload === 'not valid json');
    expect(poison?.properties).toMatchObject({ partition: 0, offset: 0n });
  });
});
