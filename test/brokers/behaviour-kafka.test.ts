import { AssertionError } from 'node:assert';
import { createServer, type AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import {
  kafkaBehaviour,
  type DriverConsumer,
  type KafkaBehaviourRule,
  type KafkaDriver,
} from '../../src/sim/kafka/behaviour.js';
import { faultProxy, kafka, kafkaDriver } from 'eventproof/kafka';
import { expectCutReported } from './cut.js';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';

const broker = await brokerUnderTest('kafka');

// The rules marked simOnly would carry the reason a real broker cannot be put through them; today
// every Kafka rule runs here too.
const runnable = kafkaBehaviour.filter((rule) => rule.simOnly === undefined);

const rule = (start: string): KafkaBehaviourRule => {
  const found = kafkaBehaviour.find((r) => r.rule.startsWith(start));
  if (!found) throw new Error(`no rule ${start}`);
  return found;
};

describeWithBroker(broker, 'Kafka behavioural suite against a real broker', () => {
  it.each(runnable.map((r) => [r.rule, r] as const))('%s', async (_title, r) => {
    // A fresh driver per rule: its own prefix for topics and groups, deleted afterwards.
    await using driver = await kafkaDriver({ url: broker.url, label: 'behaviour' });
    await r.run(driver);
  });

  it('the consumer-group rule fails on the real broker when each consumer is in a group of its own', async () => {
    await using d = await kafkaDriver({ url: broker.url, label: 'behaviour' });
    let n = 0;
    const wrong: KafkaDriver = {
      ...d,
      startConsumer: (options) => d.startConsumer({ ...options, groupId: `${options.groupId}-${++n}` }),
    };
    await expect(rule('two consumers in one group').run(wrong)).rejects.toThrow();
  });

  it('the offset rule fails on the real broker when offsets are committed before processing', async () => {
    await using d = await kafkaDriver({ url: broker.url, label: 'behaviour' });
    const wrong: KafkaDriver = {
      ...d,
      startConsumer: async (options) => {
        const self: DriverConsumer = await d.startConsumer({
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
    await expect(rule('offsets are committed only after successful processing').run(wrong)).rejects.toThrow(
      /committed 3 past the failing record 2/,
    );
  });

  it('the idempotence rule fails on the real broker when the producer is not idempotent', async () => {
    // Proves the outage really makes the client resend a batch the broker had already appended.
    await using d = await kafkaDriver({ url: broker.url, label: 'behaviour' });
    const wrong: KafkaDriver = {
      ...d,
      produce: (topic, messages) => d.produce(topic, messages, { idempotent: false }),
    };
    const failure: unknown = await rule('an idempotent producer does not duplicate on retry')
      .run(wrong)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(AssertionError);
    const appended = (failure as AssertionError).actual as string[];
    expect(appended.length).toBeGreaterThan(1);
    expect(new Set(appended)).toEqual(new Set(['once']));
  });

  it('outage() names the listener it needs, at once, when nothing listens there', async () => {
    // A port nobody listens on for the proxy, and an upstream that refuses connections.
    const free = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    await using d = await kafkaDriver({
      url: broker.url,
      label: 'behaviour',
      faultsListener: { upstream: '127.0.0.1:1', advertised: `127.0.0.1:${free}` },
    });
    const topic = await d.createTopic({ partitions: 1 });
    const started = Date.now();
    await expect(d.outage(topic, 1000)).rejects.toThrow(
      /nothing accepts connections on 127\.0\.0\.1:1.*second listener bound to 127\.0\.0\.1:1/s,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  // Kafka hands out its advertised listener after bootstrap, so a proxy in front of the main one
  // sees only the bootstrap. The faults listener (bound to 9094, advertised as 9095) sends every
  // request through whatever listens on 9095. This file is the one that uses it: its tests run one
  // after another, so the proxy here and outage()'s never want the port at the same time.
  it('a probe whose connection is cut mid-test reports what it saw and what it waited for, within its timeout', async () => {
    await using proxy = await faultProxy({
      upstream: '127.0.0.1:9094',
      listen: { host: '127.0.0.1', port: 9095 },
    });
    await using probe = await kafka.probe({ url: proxy.address, label: 'cut', connectTimeoutMs: 500 });
    const orders = await probe.topic('orders');
    await expectCutReported(proxy, probe, orders, {
      timeoutMs: 1000,
      withinMs: 2500,
      saw: 'the connection to the broker closed',
    });
  });
});
