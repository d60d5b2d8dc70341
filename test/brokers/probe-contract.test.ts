// One suite, every probe: the BrokerProbe interface behaves the same on Kafka, RabbitMQ and SQS.
// Differences are read from `capabilities`, never from the broker's name.
import { Admin } from '@platformatic/kafka';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import amqp from 'amqplib';
import { expect, it } from 'vitest';
import { TimeoutError } from 'eventproof';
import { kafka, type BrokerProbe, type Destination, type KafkaProbe } from 'eventproof/kafka';
import { rabbitmq, type RabbitMqProbe } from 'eventproof/rabbitmq';
import { sqs, type SqsProbe } from 'eventproof/sqs';
import { brokerUnderTest, describeWithBroker, type BrokerUnderTest } from '../support/brokers.js';
import { OrderCreated } from './events.js';

/** Every probe seen through the one interface, as a scenario sees it. */
type AnyProbe = BrokerProbe<Destination>;
const generic = (probe: Promise<unknown>) => probe as Promise<AnyProbe>;

interface World {
  readonly broker: BrokerUnderTest;
  probe(label: string): Promise<AnyProbe>;
  /** Creates a plain destination for the logical name; `deadLetter` where the broker has one. */
  destination(probe: AnyProbe, name: string): Promise<Destination>;
  /** Whether a destination of this name still exists on the broker. */
  exists(probe: AnyProbe, name: string): Promise<boolean>;
}

const worlds: World[] = [
  {
    broker: await brokerUnderTest('kafka'),
    probe: (label) => generic(kafka.probe({ url: worlds[0]!.broker.url, label })),
    destination: (probe, name) => (probe as unknown as KafkaProbe).topic(name),
    exists: async (probe, name) => {
      const admin = new Admin({
        clientId: 'contract',
        bootstrapBrokers: (probe as unknown as KafkaProbe).bootstrapBrokers,
      });
      try {
        return (await admin.listTopics()).includes(name);
      } finally {
        await admin.close();
      }
    },
  },
  {
    broker: await brokerUnderTest('rabbitmq'),
    probe: (label) => generic(rabbitmq.probe({ url: worlds[1]!.broker.url, label })),
    destination: (probe, name) => (probe as unknown as RabbitMqProbe).queue(name),
    exists: async (_probe, name) => {
      const connection = await amqp.connect(worlds[1]!.broker.url);
      try {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        return await channel.checkQueue(name).then(
          () => true,
          () => false,
        );
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
  },
  {
    broker: await brokerUnderTest('sqs'),
    probe: (label) => generic(sqs.probe({ url: worlds[2]!.broker.url, label })),
    destination: (probe, name) => (probe as unknown as SqsProbe).queue(name),
    exists: async (_probe, name) => {
      const other = await sqs.probe({ url: worlds[2]!.broker.url });
      try {
        return await other.client.send(new GetQueueUrlCommand({ QueueName: name })).then(
          () => true,
          () => false,
        );
      } finally {
        await other.dispose();
      }
    },
  },
];

for (const world of worlds) {
  describeWithBroker(world.broker, `the probe contract on ${world.broker.name}`, () => {
    it('declares its capabilities', async () => {
      await using probe = await world.probe('contract');
      expect(Object.keys(probe.capabilities).sort()).toEqual([
        'consumerGroups',
        'deduplication',
        'messageTtl',
        'nativeDeadLetter',
        'perKeyOrder',
        'redeliveryCount',
        'replayable',
      ]);
      expect(probe.url).not.toMatch(/:(?!\*\*\*@)[^:/@]+@/); // a password shows as ***
    });

    it('isolates: the same logical name in two probes is two destinations, and messages do not cross', async () => {
      await using first = await world.probe('iso');
      await using second = await world.probe('iso');
      const a = await world.destination(first, 'orders');
      const b = await world.destination(second, 'orders');
      expect(a.name).not.toBe(b.name);
      await first.publish(a, OrderCreated, { orderId: 'a', amount: 1 });
      await second.expect(b).toReceiveNothing({ withinMs: 150 });
      await first.expect(a).toReceive(OrderCreated, { count: 1 });
    });

    it('publishes through contracts and raw, and matches both', async () => {
      await using probe = await world.probe('contract');
      const orders = await world.destination(probe, 'orders');
      await probe.publish(orders, OrderCreated, { orderId: '1', amount: 1 });
      await probe.publish(orders, { value: '{"note":"raw"}', headers: { source: 'test' } });
      const [typed] = await probe.expect(orders).toReceive(OrderCreated);
      const [raw] = await probe
        .expect(orders)
        .toReceive({ where: { note: 'raw' }, headers: { source: 'test' } });
      expect(typed?.payload).toEqual({ orderId: '1', amount: 1 });
      expect(raw?.payload).toEqual({ note: 'raw' });
    });

    it('keeps per-key order when it declares perKeyOrder', async () => {
      await using probe = await world.probe('order');
      const orders = await world.destination(probe, 'orders');
      if (!probe.capabilities.perKeyOrder) return;
      for (let i = 0; i < 10; i++)
        await probe.publish(orders, OrderCreated, { orderId: `${i}`, amount: i }, { key: 'same' });
      const got = await probe.expect(orders).toReceive(OrderCreated, { count: 10 });
      expect(got.map((m) => (m.payload as { orderId: string }).orderId)).toEqual(
        Array.from({ length: 10 }, (_, i) => `${i}`),
      );
    });

    it('times out within its timeout with a TimeoutError', async () => {
      await using probe = await world.probe('contract');
      const orders = await world.destination(probe, 'empty');
      const started = performance.now();
      await expect(probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 200 })).rejects.toThrow(
        TimeoutError,
      );
      expect(performance.now() - started).toBeLessThan(1200);
    });

    it('settles at once when nothing is pending', async () => {
      await using probe = await world.probe('contract');
      await world.destination(probe, 'idle');
      const started = performance.now();
      await probe.settled({ timeoutMs: 2000 });
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('disposes everything it created, and disposing twice is harmless', async () => {
      const probe = await world.probe('dispose');
      const orders = await world.destination(probe, 'orders');
      expect(await world.exists(probe, orders.name)).toBe(true);
      await probe.dispose();
      await probe.dispose();
      expect(await world.exists(probe, orders.name)).toBe(false);
    });
  });
}
