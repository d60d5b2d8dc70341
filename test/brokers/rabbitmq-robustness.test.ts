// The RabbitMQ probe publishes and consumes on one channel (for throughput). These are the review's
// scenarios where one refused call used to break that channel, or the connection, for everything
// else: a refused consume next to a good one, a refused call while another client's deliveries
// flow, a predicate that throws, a publish to a missing exchange, a queue deleted while observed.
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rabbitmq, type RabbitMqExchange, type RabbitMqProbe, type RabbitMqQueue } from 'eventproof/rabbitmq';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { OrderCreated } from './events.js';
import { missingQueue } from './missing-queue.js';

const broker = await brokerUnderTest('rabbitmq');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithBroker(broker, 'RabbitMQ probe: one refused call does not break the shared channel', () => {
  let probe: RabbitMqProbe;
  let app: ChannelModel;
  beforeAll(async () => {
    probe = await rabbitmq.probe({ url: broker.url, label: 'robust' });
    app = await amqp.connect(broker.url);
    app.on('error', () => undefined);
  });
  afterAll(async () => {
    await app.close();
    await probe.dispose();
  });

  const missing = (name: string) => missingQueue(probe, name);
  const idOf = (m: { payload: unknown }) => (m.payload as { orderId: string }).orderId;

  /** The probe's connection: it must never close in these scenarios. */
  const connectionCloses = () => {
    let closes = 0;
    (probe as unknown as { connection: ChannelModel }).connection.on('close', () => closes++);
    return () => closes;
  };

  /** Another client keeps publishing to `queue` until the returned function is called. */
  const pump = async (queue: RabbitMqQueue) => {
    const channel = await app.createConfirmChannel();
    let stop = false;
    let sent = 0;
    const running = (async () => {
      while (!stop) {
        for (let i = 0; i < 20; i++) {
          const wire = OrderCreated.encode({ orderId: String(sent++), amount: 1 });
          channel.sendToQueue(queue.name, Buffer.from(wire.value), { headers: wire.headers });
        }
        await channel.waitForConfirms();
      }
    })();
    return async () => {
      stop = true;
      await running;
      await channel.close();
      return sent;
    };
  };

  it('r1: a refused consume next to a good one fails alone; the good observer keeps working', async () => {
    const orders = await probe.queue('r1');
    await probe.publish(orders, OrderCreated, { orderId: '1', amount: 1 });
    const [bad, good] = await Promise.allSettled([
      probe.expect(missing('r1-nowhere')).toReceive(OrderCreated, { timeoutMs: 1000 }),
      probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 3000 }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/404 \(NOT-FOUND\).*no queue/);
    expect(good.status).toBe('fulfilled');
    await probe.publish(orders, OrderCreated, { orderId: '2', amount: 2 });
    expect((await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 3000 })).map(idOf)).toEqual([
      '2',
    ]);
  });

  /** Deliveries the probe reports lost with a closed channel (automatic acknowledgement). */
  const lostOn = (queue: RabbitMqQueue) =>
    (probe as unknown as { observers: Map<string, { inbox: { problems: { text: string }[] } }> }).observers
      .get(queue.name)
      ?.inbox.problems.filter((p) => p.text.includes('was lost')).length ?? 0;

  /**
   * Runs `trouble` while another client delivers to an observed queue, then checks the probe still
   * consumes, publishes, and got every message (or reported it lost).
   */
  const whileDelivering = async (queue: RabbitMqQueue, run: number, trouble: () => Promise<void>) => {
    const stop = await pump(queue);
    const observing = probe
      .expect(queue)
      .toReceive(() => true, { count: 1_000_000, timeoutMs: 1500, atLeast: true })
      .catch(() => undefined);
    await sleep(100);
    await trouble();
    await sleep(300);
    const before = probe.expect(queue).received().length;
    await sleep(300);
    const after = probe.expect(queue).received().length;
    const sent = await stop();
    expect(after, `run ${run}: still consuming`).toBeGreaterThan(before);
    await probe.publish(queue, OrderCreated, { orderId: 'probe', amount: 1 });
    await observing;
    await expect
      .poll(() => probe.expect(queue).received().length + lostOn(queue), { timeout: 5000 })
      .toBe(sent + 1);
  };

  it('r4: a refused consume while another client delivers leaves the connection and observers alive (5 runs)', async () => {
    const closes = connectionCloses();
    for (let run = 0; run < 5; run++) {
      const orders = await probe.queue(`r4-${run}`);
      await whileDelivering(orders, run, async () => {
        await expect(
          probe.expect(missing(`r4-nowhere-${run}`)).toReceive(OrderCreated, { timeoutMs: 300 }),
        ).rejects.toThrow(/404/);
      });
      // The refusal never touched the channel the deliveries come on.
      expect(lostOn(orders)).toBe(0);
    }
    expect(closes()).toBe(0);
  }, 60_000);

  it('r4b: the shared channel closing while deliveries flow is replaced; the connection survives (5 runs)', async () => {
    const closes = connectionCloses();
    for (let run = 0; run < 5; run++) {
      const orders = await probe.queue(`r4b-${run}`);
      const doomed = await probe.exchange(`r4b-doomed-${run}`, { type: 'fanout' });
      // The code under test deletes an exchange the probe declared: publishing to it closes the
      // channel the probe publishes and consumes on. What the broker sent after closing it is gone
      // (noAck) and reported as lost.
      await whileDelivering(orders, run, async () => {
        const admin = await app.createChannel();
        await admin.deleteExchange(doomed.name);
        await admin.close();
        await expect(probe.publish(doomed, OrderCreated, { orderId: 'x', amount: 1 })).rejects.toThrow(
          /no exchange/,
        );
      });
    }
    expect(closes()).toBe(0);
  }, 60_000);

  it('r5: a predicate that throws rejects its assertion; the channel stays open', async () => {
    const orders = await probe.queue('r5');
    const started = Date.now();
    const waiting = probe
      .expect(orders)
      .toReceive((m) => (m.payload as { order: { id: string } }).order.id === '1', { timeoutMs: 1000 });
    await sleep(50);
    await probe.publish(orders, { value: '"just text"' });
    await expect(waiting).rejects.toThrow(TypeError);
    expect(Date.now() - started).toBeLessThan(900);
    await probe.publish(orders, OrderCreated, { orderId: '2', amount: 2 });
    expect((await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 3000 })).map(idOf)).toEqual([
      '2',
    ]);
  });

  it('r7: a publish to a missing exchange fails with the reason; observers of other queues go on', async () => {
    const orders = await probe.queue('r7');
    const got = probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 3000 });
    const nowhere: RabbitMqExchange = {
      kind: 'exchange',
      name: `${probe.prefix}-r7-nope`,
      logicalName: 'r7-nope',
      type: 'topic',
    };
    await expect(probe.publish(nowhere, OrderCreated, { orderId: '1', amount: 1 })).rejects.toThrow(
      /NOT_FOUND - no exchange/,
    );
    await probe.publish(orders, OrderCreated, { orderId: '2', amount: 2 });
    expect((await got).map(idOf)).toEqual(['2']);
  });

  it('r9: toReceiveNothing on a queue deleted under the probe fails, without churning channels', async () => {
    const gone = await probe.queue('r9');
    await probe.expect(gone).toReceiveNothing({ withinMs: 10 });
    const model = (probe as unknown as { connection: ChannelModel }).connection;
    let opened = 0;
    const count = <F extends (...args: never[]) => unknown>(f: F) =>
      ((...args: Parameters<F>) => (opened++, f(...args))) as F;
    const confirm = model.createConfirmChannel.bind(model);
    const plain = model.createChannel.bind(model);
    model.createConfirmChannel = count(confirm);
    model.createChannel = count(plain);
    try {
      const admin = await app.createChannel();
      await admin.deleteQueue(gone.name);
      await admin.close();
      await sleep(50);
      await expect(probe.expect(gone).toReceiveNothing({ withinMs: 300 })).rejects.toThrow(
        /deleted|no queue|NOT_FOUND/,
      );
      await sleep(300);
      expect(opened).toBeLessThanOrEqual(2);
    } finally {
      model.createConfirmChannel = confirm;
      model.createChannel = plain;
    }
  });

  it('r10: a valid declaration succeeds beside four refused calls at once on the admin channel', async () => {
    const refusals = Array.from({ length: 4 }, (_, i) =>
      probe.expect(missing(`r10-nowhere-${i}`)).toReceive(OrderCreated, { timeoutMs: 300 }),
    );
    const [declared, ...refused] = await Promise.allSettled([probe.queue('r10'), ...refusals]);
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(declared.status).toBe('fulfilled');
  });

  it('r11: the shared channel the broker closed keeps its number taken, so late frames cannot close the connection', async () => {
    const internals = probe as unknown as { connection: ChannelModel; channel: { ch: number } };
    const before = internals.channel;
    const doomed = await probe.exchange('r11-doomed', { type: 'fanout' });
    const admin = await app.createChannel();
    await admin.deleteExchange(doomed.name);
    await admin.close();
    await expect(probe.publish(doomed, OrderCreated, { orderId: 'x', amount: 1 })).rejects.toThrow(
      /no exchange/,
    );
    const slots = (internals.connection.connection as unknown as { channels: unknown[] }).channels;
    // amqplib frees the number of a closed channel (its slot becomes null); the probe's grave holds it.
    expect(slots[before.ch]).not.toBeNull();
    expect(internals.channel).not.toBe(before);
  });
});

describeWithBroker(broker, 'RabbitMQ probe: a lost connection', () => {
  it('r12: toReceiveNothing fails, rather than passes, when the connection died and a message waits', async () => {
    const probe = await rabbitmq.probe({ url: broker.url, label: 'robust-dead' });
    const app = await amqp.connect(broker.url);
    try {
      const orders = await probe.queue('r12');
      await probe.expect(orders).toReceiveNothing({ withinMs: 10 });
      const waiting = probe.expect(orders).toReceiveNothing({ withinMs: 800 });
      await sleep(100);
      const socket = (
        (probe as unknown as { connection: ChannelModel }).connection.connection as unknown as {
          stream: { destroy(error: Error): void };
        }
      ).stream;
      socket.destroy(new Error('network gone'));
      await sleep(100);
      const channel = await app.createConfirmChannel();
      const wire = OrderCreated.encode({ orderId: 'unseen', amount: 1 });
      channel.sendToQueue(orders.name, Buffer.from(wire.value), { headers: wire.headers });
      await channel.waitForConfirms();
      await expect(waiting).rejects.toThrow(
        /could not tell: the connection to RabbitMQ closed \(network gone\)/,
      );
    } finally {
      await app.close();
      await probe.dispose();
    }
  });
});
