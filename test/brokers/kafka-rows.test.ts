// The seed's Kafka rows against a real broker: partition ordering, consumer groups, offset
// management and rebalancing. The code under test is played by plain @platformatic/kafka consumers
// (and kafkajs, which most users run); the probe publishes, observes and reads admin-API facts.
import { Consumer, type MessagesStream } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { kafka, type KafkaProbe, type KafkaTopic } from 'eventproof/kafka';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { OrderCreated } from './events.js';

const broker = await brokerUnderTest('kafka');

/** A consumer of the code under test: records what it handles, commits after each success. */
async function worker(
  probe: KafkaProbe,
  topic: KafkaTopic,
  groupId: string,
  name: string,
  handle: (orderId: string) => void = () => undefined,
) {
  const consumer = new Consumer({
    clientId: name,
    groupId,
    bootstrapBrokers: probe.bootstrapBrokers,
    maxWaitTime: 50,
    heartbeatInterval: 200,
    sessionTimeout: 6000,
    rebalanceTimeout: 6000,
  });
  const handled: string[] = [];
  const stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> = await consumer.consume({
    topics: [topic.name],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  });
  stream.on('data', (message) => {
    const { orderId } = OrderCreated.decode(message.value, {});
    try {
      handle(orderId);
    } catch {
      return; // "crash": neither recorded nor committed
    }
    handled.push(orderId);
    void message.commit();
  });
  return {
    handled,
    /** The partitions this consumer itself believes it owns (the client's view, not the coordinator's). */
    owns: () => consumer.assignments?.find((a) => a.topic === topic.name)?.partitions.length ?? 0,
    close: async () => {
      await Promise.resolve(stream.close()).catch(() => undefined);
      await Promise.resolve(consumer.close(true)).catch(() => undefined);
    },
  };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithBroker(broker, 'Kafka queue-type rows against a real broker', () => {
  let probe: KafkaProbe;
  beforeAll(async () => {
    probe = await kafka.probe({ url: broker.url, label: 'kafka-rows' });
  });
  afterAll(() => probe.dispose());

  it('partition ordering: one partition delivers in publish order', async () => {
    const orders = await probe.topic('ordering', { partitions: 1 });
    for (let i = 0; i < 20; i++)
      await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i }, { key: `k${i % 3}` });
    const got = await probe.expect(orders).toReceive(OrderCreated, { count: 20 });
    expect(got.map((m) => (m.payload as { orderId: string }).orderId)).toEqual(
      Array.from({ length: 20 }, (_, i) => `${i}`),
    );
  });

  it('consumer groups: two consumers of one group get disjoint messages that together are all of them', async () => {
    const orders = await probe.topic('groups', { partitions: 2 });
    const group = `${probe.prefix}-groups`;
    const a = await worker(probe, orders, group, 'a');
    const b = await worker(probe, orders, group, 'b');
    try {
      await until(async () => {
        const g = await probe.describeGroup(group);
        return (
          g.state === 'STABLE' &&
          g.members.length === 2 &&
          g.members.every((m) => (m.assignments[orders.name] ?? []).length === 1)
        );
      });
      await until(() => a.owns() === 1 && b.owns() === 1);
      // A fetch the first consumer sent for both partitions before the rebalance can still be in
      // flight for up to maxWaitTime (50 ms); nothing observable says when it has returned.
      await new Promise((resolve) => setTimeout(resolve, 150));
      for (let i = 0; i < 20; i++) await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i });
      await probe.settled({ groups: [group] });
      expect(a.handled.length).toBeGreaterThan(0);
      expect(b.handled.length).toBeGreaterThan(0);
      expect(a.handled.filter((id) => b.handled.includes(id))).toEqual([]);
      expect([...a.handled, ...b.handled].sort((x, y) => Number(x) - Number(y))).toEqual(
        Array.from({ length: 20 }, (_, i) => `${i}`),
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('offset management: offsets are committed only after successful processing; a restart resumes at the failed message', async () => {
    const orders = await probe.topic('offsets');
    const group = `${probe.prefix}-offsets`;
    for (let i = 0; i < 5; i++) await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i });
    let crashed = false;
    const first = await worker(probe, orders, group, 'first', (id) => {
      if (id === '2' || crashed) {
        crashed = true;
        throw new Error('crash');
      }
    });
    await until(() => crashed && first.handled.length === 2);
    await first.close();
    const [row] = await probe.lag([group]);
    expect(row).toMatchObject({ committed: 2n, end: 5n, lag: 3n });
    const second = await worker(probe, orders, group, 'second');
    try {
      await probe.settled({ groups: [group] });
      expect(second.handled).toEqual(['2', '3', '4']);
    } finally {
      await second.close();
    }
  });

  it('rebalancing: a joining consumer takes partitions, a leaving one gives them back, and nothing is lost', async () => {
    const orders = await probe.topic('rebalance', { partitions: 2 });
    const group = `${probe.prefix}-rebalance`;
    const assigned = async () =>
      (await probe.describeGroup(group)).members.map((m) => m.assignments[orders.name] ?? []).sort();
    const a = await worker(probe, orders, group, 'a');
    await until(async () => JSON.stringify(await assigned()) === '[[0,1]]');
    for (let i = 0; i < 10; i++) await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i });
    const b = await worker(probe, orders, group, 'b');
    await until(async () => JSON.stringify(await assigned()) === '[[0],[1]]');
    for (let i = 10; i < 20; i++) await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i });
    await probe.settled({ groups: [group] });
    await b.close();
    await until(async () => JSON.stringify(await assigned()) === '[[0,1]]');
    for (let i = 20; i < 30; i++) await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i });
    await probe.settled({ groups: [group] });
    await a.close();
    const all = new Set([...a.handled, ...b.handled]);
    expect([...all].sort((x, y) => Number(x) - Number(y))).toEqual(
      Array.from({ length: 30 }, (_, i) => `${i}`),
    );
  });

  it('works with kafkajs as the code under test: its producer is seen by the probe, its group by settled()', async () => {
    const orders = await probe.topic('kafkajs');
    const client = new Kafka({
      clientId: 'shop',
      brokers: probe.bootstrapBrokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = client.producer();
    const consumer = client.consumer({
      groupId: `${probe.prefix}-kafkajs`,
      maxWaitTimeInMs: 50,
      heartbeatInterval: 300,
    });
    await Promise.all([producer.connect(), consumer.connect()]);
    try {
      const { value, headers, key } = OrderCreated.encode({ orderId: '77', amount: 7 });
      await producer.send({ topic: orders.name, messages: [{ key, value: Buffer.from(value), headers }] });
      const [seen] = await probe.expect(orders).toReceive({ event: OrderCreated, key: '77' });
      expect(seen?.payload).toEqual({ orderId: '77', amount: 7 });
      const handled: string[] = [];
      await consumer.subscribe({ topics: [orders.name], fromBeginning: true });
      await consumer.run({
        autoCommitThreshold: 1,
        eachMessage: ({ message }) =>
          Promise.resolve(void handled.push(OrderCreated.decode(message.value!, {}).orderId)),
      });
      await probe.settled({ groups: [`${probe.prefix}-kafkajs`], topics: [orders], timeoutMs: 15_000 });
      expect(handled).toEqual(['77']);
    } finally {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
    }
  }, 20_000);
});
