import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  createSimulation,
  simRabbitMq,
  SimRabbitMq,
  type SimAmqpMessage,
  type Simulation,
  type SimRabbitMqOptions,
} from '../../public/sim.js';

/**
 * The delivery run (SimRabbitMq.deliverRun) is taken only with the trace off; with it on, every
 * delivery goes through the general dispatch loop. So each scenario runs both ways and everything
 * observable must agree: what each handler saw and in which order, the recorded decisions, the
 * scheduler steps, the ledger, the queue counters and the handler failures.
 */
type Scenario = (world: { sim: Simulation; rabbit: SimRabbitMq; log: string[] }) => Promise<void>;

const seen = (log: string[], m: SimAmqpMessage) =>
  log.push(
    `${m.fields.consumerTag} #${m.fields.deliveryTag} ${m.content.toString()}${m.fields.redelivered ? ' (redelivered)' : ''}`,
  );

async function observe(scenario: Scenario, trace: boolean, options: SimRabbitMqOptions) {
  const sim = createSimulation({ seed: 7, trace });
  const rabbit = simRabbitMq(sim, options);
  const log: string[] = [];
  await scenario({ sim, rabbit, log });
  const result = await sim.runUntilIdle();
  return {
    log,
    steps: result.steps,
    now: result.now,
    stuck: result.stuck.length,
    decisions: sim.decisions.decisions,
    ledger: sim.ledger.all(),
    stats: Object.fromEntries(rabbit.queueNames().map((name) => [name, rabbit.queueStats(name)])),
    failures: rabbit.handlerFailures.map((f) => `${f.time} ${f.queue} ${f.consumerTag} ${f.message}`),
  };
}

type Run = (...args: unknown[]) => number;
type Runs = { deliverRun: Run; deliverPlainRun: Run };
let runs: MockInstance<Run>[] = [];
afterEach(() => {
  for (const spy of runs) spy.mockRestore();
  runs = [];
});
const runCount = () => runs.reduce((sum, spy) => sum + spy.mock.calls.length, 0);

/** Runs `scenario` through the general path and through delivery runs; returns the second. */
async function bothWays(scenario: Scenario, options: SimRabbitMqOptions = {}) {
  for (const spy of runs) spy.mockRestore();
  const prototype = SimRabbitMq.prototype as unknown as Runs;
  runs = [vi.spyOn(prototype, 'deliverRun'), vi.spyOn(prototype, 'deliverPlainRun')];
  const general = await observe(scenario, true, options);
  expect(runCount()).toBe(0);
  const fast = await observe(scenario, false, options);
  // The scenario must go through the fast path at all, or it tests nothing.
  expect(runCount()).toBeGreaterThan(0);
  expect(fast).toEqual(general);
  return fast;
}

/** Publish options of the messages orders() publishes: none (deliverPlainRun) or some (deliverRun). */
let publishOptions: { messageId: string } | undefined;

/** Consumes 'orders' as consumer 'c': each delivery is logged, then handed to `handle`. */
const consumeOrders = (
  channel: Awaited<ReturnType<SimRabbitMq['createChannel']>>,
  log: string[],
  handle: (m: SimAmqpMessage) => unknown,
) =>
  channel.consume(
    'orders',
    (m) => {
      if (!m) return;
      seen(log, m);
      return handle(m);
    },
    { consumerTag: 'c' },
  );

async function orders(rabbit: SimRabbitMq, count: number, queue = 'orders') {
  const channel = await rabbit.createChannel();
  await channel.assertQueue(queue);
  for (let i = 1; i <= count; i++) channel.sendToQueue(queue, Buffer.from(`${queue}-${i}`), publishOptions);
  return channel;
}

for (const withProperties of [false, true])
  describe(`delivery runs (trace off) behave as the general dispatch loop (trace on)${withProperties ? ', messages with properties' : ''}`, () => {
    beforeEach(() => {
      publishOptions = withProperties ? { messageId: 'order' } : undefined;
    });

    it('a plain drain: acked in order, one run per step of deliveriesPerStep', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 200);
        await consumeOrders(channel, log, (m) => {
          channel.ack(m);
        });
      });
      expect(out.log).toHaveLength(200);
      expect(out.log[199]).toBe('c #200 orders-200');
      expect(out.stats.orders).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    });

    it('messages with and without properties, and quorum returns, in one queue: each gets its own properties', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await rabbit.createChannel();
        await channel.assertQueue('orders', { arguments: { 'x-queue-type': 'quorum' } });
        for (let i = 1; i <= 12; i++)
          channel.sendToQueue(
            'orders',
            Buffer.from(`orders-${i}`),
            i % 3 === 0 ? { messageId: `id-${i}`, headers: { n: i } } : undefined,
          );
        await consumeOrders(channel, log, (m) => {
          log.push(JSON.stringify(m.properties), Object.keys(m.properties).join(), Object.keys(m).join());
          if (m.content.toString() === 'orders-5' && !m.fields.redelivered) channel.nack(m);
          else channel.ack(m);
        });
      });
      expect(out.log).toContain(JSON.stringify({ headers: { n: 3 }, messageId: 'id-3' }));
      expect(out.log).toContain(JSON.stringify({ headers: { 'x-delivery-count': 1 } }));
    });

    it('a handler written as a function is called with the same this', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 3);
        await channel.consume(
          'orders',
          function (this: unknown, m) {
            if (!m) return;
            seen(log, m);
            log.push(typeof this);
            channel.ack(m);
          },
          { consumerTag: 'c' },
        );
      });
      expect(out.log).toHaveLength(6);
    });

    it('a handler that publishes to its own queue during the run gets that message in order', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 10);
        await consumeOrders(channel, log, (m) => {
          const body = m.content.toString();
          if (!body.startsWith('again')) channel.sendToQueue('orders', Buffer.from(`again-${body}`));
          channel.ack(m);
        });
      });
      expect(out.log).toHaveLength(20);
      expect(out.log[10]).toBe('c #11 again-orders-1');
    });

    it('a handler that publishes to another consumed queue ends the run: the next queue is a recorded decision', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 30);
        await channel.assertQueue('audit');
        await channel.consume(
          'orders',
          (m) => {
            if (!m) return;
            seen(log, m);
            if (m.fields.deliveryTag % 4 === 0) channel.sendToQueue('audit', m.content);
            channel.ack(m);
          },
          { consumerTag: 'orders' },
        );
        await channel.consume(
          'audit',
          (m) => {
            if (!m) return;
            seen(log, m);
            channel.ack(m);
          },
          { consumerTag: 'audit' },
        );
      });
      expect(out.decisions.filter((d) => d.kind === 'rabbitmq:deliver-next').length).toBeGreaterThan(0);
      // Both consumers share the channel, so its delivery tags count both queues' deliveries.
      expect(out.log.filter((l) => l.startsWith('audit')).length).toBeGreaterThan(3);
    });

    it('a handler that cancels its consumer ends the run; the rest stays ready', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 20);
        await consumeOrders(channel, log, (m) => {
          channel.ack(m);
          if (m.fields.deliveryTag === 5) void channel.cancel('c');
        });
      });
      expect(out.log).toHaveLength(5);
      expect(out.stats.orders).toEqual({ ready: 15, unacked: 0, consumers: 0 });
    });

    it('a handler that replaces its consumer with a new one: deliveries go to the new consumer', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 12);
        const handler = (tag: string) => (m: SimAmqpMessage | null) => {
          if (!m) return;
          seen(log, m);
          channel.ack(m);
          if (tag === 'first' && m.fields.deliveryTag === 3) {
            void channel.cancel('first');
            void channel.consume('orders', handler('second'), { consumerTag: 'second' });
          }
        };
        await channel.consume('orders', handler('first'), { consumerTag: 'first' });
      });
      expect(out.log[3]).toBe('second #4 orders-4');
    });

    it('a second consumer added during the run takes turns (round-robin)', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 12);
        const other = await rabbit.createChannel();
        await channel.consume(
          'orders',
          (m) => {
            if (!m) return;
            seen(log, m);
            channel.ack(m);
            if (m.fields.deliveryTag === 2)
              void other.consume(
                'orders',
                (n) => {
                  if (!n) return;
                  seen(log, n);
                  other.ack(n);
                },
                { consumerTag: 'b' },
              );
          },
          { consumerTag: 'a' },
        );
      });
      expect(out.log.slice(2, 6)).toEqual([
        'a #3 orders-3',
        'b #1 orders-4',
        'a #4 orders-5',
        'b #2 orders-6',
      ]);
    });

    it('acks of earlier messages, out of order, with allUpTo, and nack-requeues inside the run', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 24);
        const held: SimAmqpMessage[] = [];
        await consumeOrders(channel, log, (m) => {
          const tag = m.fields.deliveryTag;
          if (tag % 6 === 1)
            held.push(m); // settled by a later delivery
          else if (tag % 6 === 2) {
            channel.ack(held.shift()!); // the previous message
            channel.ack(m);
          } else if (tag % 6 === 3) held.push(m);
          else if (tag % 6 === 4) {
            held.push(m);
            channel.ack(held.pop()!); // the newest first
            channel.ack(held.pop()!);
          } else if (tag % 6 === 5) {
            if (m.fields.redelivered) channel.ack(m);
            else channel.nack(m); // back at its position: delivered again at once
          } else {
            held.push(m);
            channel.ack(m, true); // everything up to here
            held.length = 0;
          }
        });
      });
      expect(out.log.some((l) => l.endsWith('(redelivered)'))).toBe(true);
      expect(out.stats.orders).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    });

    it('reject without requeue dead-letters inside the run', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await rabbit.createChannel();
        await channel.assertExchange('dlx', 'fanout');
        await channel.assertQueue('dead');
        await channel.bindQueue('dead', 'dlx', '');
        await channel.assertQueue('orders', { deadLetterExchange: 'dlx' });
        for (let i = 1; i <= 9; i++) channel.sendToQueue('orders', Buffer.from(`orders-${i}`));
        await consumeOrders(channel, log, (m) => {
          if (m.fields.deliveryTag % 3 === 0) channel.reject(m, false);
          else channel.ack(m);
        });
      });
      expect(out.stats.dead).toEqual({ ready: 3, unacked: 0, consumers: 0 });
    });

    it('prefetch exhausted mid-run: the run stops, and the queue moves again as acks free room', async () => {
      const out = await bothWays(async ({ sim, rabbit, log }) => {
        const channel = await orders(rabbit, 20);
        await channel.prefetch(3);
        await consumeOrders(channel, log, (m) => {
          // Every third message is acked later, by a timer: the window fills now and then.
          if (m.fields.deliveryTag % 3 === 0) sim.schedule(5, 'late ack', () => channel.ack(m));
          else channel.ack(m);
        });
      });
      expect(out.log).toHaveLength(20);
      expect(out.now).toBeGreaterThan(0);
    });

    it('a channel-wide prefetch set by a handler ends the run', async () => {
      const out = await bothWays(async ({ sim, rabbit, log }) => {
        const channel = await orders(rabbit, 12);
        await consumeOrders(channel, log, (m) => {
          if (m.fields.deliveryTag === 2) void channel.prefetch(1, true);
          if (m.fields.deliveryTag >= 4) sim.schedule(1, 'late ack', () => channel.ack(m));
          else channel.ack(m);
        });
      });
      expect(out.now).toBe(9);
    });

    it('a message with a TTL published during the run expires as it would (TTL 0 included)', async () => {
      const out = await bothWays(async ({ sim, rabbit, log }) => {
        const channel = await orders(rabbit, 10);
        await channel.assertQueue('slow', { messageTtl: 2 });
        await consumeOrders(channel, log, (m) => {
          const tag = m.fields.deliveryTag;
          if (tag === 2) channel.sendToQueue('orders', Buffer.from('ttl-0'), { expiration: 0 });
          if (tag === 4) channel.sendToQueue('orders', Buffer.from('ttl-1'), { expiration: 1 });
          if (tag % 2 === 0) sim.schedule(3, 'late ack', () => channel.ack(m));
          else channel.ack(m);
        });
      });
      expect(out.ledger.some((e) => e.fate === 'expired')).toBe(false);
      expect(out.log.some((l) => l.includes('ttl-0'))).toBe(true);
    });

    it('messages that wait behind unacked ones past their TTL expire at the head', async () => {
      const out = await bothWays(async ({ sim, rabbit, log }) => {
        const channel = await orders(rabbit, 6);
        await channel.prefetch(1);
        await consumeOrders(channel, log, (m) => {
          if (m.fields.deliveryTag === 1)
            for (let i = 0; i < 3; i++)
              channel.sendToQueue('orders', Buffer.from(`short-${i}`), { expiration: 2 });
          if (m.fields.deliveryTag === 3) sim.schedule(10, 'late ack', () => channel.ack(m));
          else channel.ack(m);
        });
      });
      expect(out.ledger.filter((e) => e.fate === 'expired')).toHaveLength(3);
    });

    it('a head with a TTL behind a full prefetch expires on time (its timer is armed when it becomes the head)', async () => {
      const deadAt = async (perMessage: boolean) =>
        bothWays(async ({ sim, rabbit, log }) => {
          const channel = await rabbit.createChannel();
          await channel.assertExchange('dlx', 'fanout');
          await channel.assertQueue('dead');
          await channel.bindQueue('dead', 'dlx', '');
          await channel.assertQueue('orders', { deadLetterExchange: 'dlx' });
          // Per message: a TTL arrives during the run. Otherwise every message has one from the start.
          const ttl = (ms: number) => (perMessage ? {} : { expiration: ms });
          channel.sendToQueue('orders', Buffer.from('first'), ttl(50));
          channel.sendToQueue('orders', Buffer.from('second'), ttl(50));
          if (!perMessage) channel.sendToQueue('orders', Buffer.from('short'), ttl(3));
          await channel.prefetch(1);
          await consumeOrders(channel, log, (m) => {
            if (m.content.toString() === 'first') {
              if (perMessage) channel.sendToQueue('orders', Buffer.from('short'), { expiration: 3 });
              channel.ack(m);
            } else sim.schedule(10, 'late ack', () => channel.ack(m)); // the window stays full until 10
          });
          await channel.consume(
            'dead',
            (m) => {
              if (!m) return;
              log.push(`dead ${m.content.toString()} at ${sim.now()}`);
              channel.ack(m);
            },
            { consumerTag: 'd' },
          );
        });
      expect((await deadAt(true)).log).toContain('dead short at 3');
      expect((await deadAt(false)).log).toContain('dead short at 3');
    });

    it('a TTL-0 message that reaches the head as a step ends expires, as outside a run', async () => {
      const out = await bothWays(
        async ({ sim, rabbit, log }) => {
          const channel = await rabbit.createChannel();
          await channel.assertQueue('orders');
          for (let i = 1; i <= 4; i++)
            channel.sendToQueue('orders', Buffer.from(`orders-${i}`), { expiration: 50 });
          channel.sendToQueue('orders', Buffer.from('now-or-never'), { expiration: 0 });
          await channel.assertQueue('other');
          // Later, a queue without TTL, so the run has its turn too.
          sim.schedule(100, 'publish', () => channel.sendToQueue('other', Buffer.from('other-1')));
          await channel.consume('orders', (m) => m && seen(log, m), { consumerTag: 'c', noAck: true });
          await channel.consume('other', (m) => m && seen(log, m), { consumerTag: 'o', noAck: true });
        },
        { deliveriesPerStep: 4 },
      );
      // Its expiry timer is armed when it becomes the head and runs before the next dispatch step.
      expect(out.log).not.toContain('c #5 now-or-never');
      expect(out.ledger.filter((e) => e.fate === 'expired')).toHaveLength(1);
    });

    it('a handler that throws is recorded and the run goes on; its message stays unacked', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 10);
        await consumeOrders(channel, log, (m) => {
          if (m.fields.deliveryTag === 4) throw new Error('boom');
          channel.ack(m);
        });
      });
      expect(out.failures).toHaveLength(1);
      expect(out.log).toHaveLength(10);
      expect(out.stats.orders).toEqual({ ready: 0, unacked: 1, consumers: 1 });
    });

    it('a handler that returns a promise now and then ends the step there', async () => {
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 20);
        await consumeOrders(channel, log, (m) => {
          if (m.fields.deliveryTag % 7 !== 0) return void channel.ack(m);
          return Promise.resolve().then(() => channel.ack(m));
        });
      });
      expect(out.log).toHaveLength(20);
    });

    it('closing the channel, purging or deleting the queue inside the run', async () => {
      for (const action of ['close', 'purge', 'delete'] as const) {
        const out = await bothWays(async ({ rabbit, log }) => {
          const channel = await orders(rabbit, 10);
          const admin = await rabbit.createChannel();
          await channel.consume(
            'orders',
            (m) => {
              if (!m) return void log.push('cancelled by the broker');
              seen(log, m);
              if (m.fields.deliveryTag !== 4) return void channel.ack(m);
              if (action === 'close') void channel.close();
              else if (action === 'purge') void admin.purgeQueue('orders');
              else void admin.deleteQueue('orders');
            },
            { consumerTag: 'c' },
          );
        });
        expect(out.log.slice(0, 4)).toHaveLength(4);
        expect(out.log.filter((l) => l.startsWith('c #'))).toHaveLength(action === 'close' ? 4 : 4);
      }
    });

    it('a fault added by a handler applies from the next ack on, and from the next step on for deliveries', async () => {
      const out = await bothWays(async ({ sim, rabbit, log }) => {
        const channel = await orders(rabbit, 30);
        await consumeOrders(channel, log, (m) => {
          if (m.fields.deliveryTag === 3)
            sim.faults.add({ kind: 'duplicate', broker: 'rabbitmq', probability: 0.3 });
          channel.ack(m);
        });
      });
      expect(out.log.some((l) => l.endsWith('(redelivered)'))).toBe(true);
    });

    it('noAck consumers and a quorum queue with redeliveries', async () => {
      await bothWays(async ({ rabbit, log }) => {
        const channel = await orders(rabbit, 15);
        await channel.consume(
          'orders',
          (m) => {
            if (m) seen(log, m);
          },
          { consumerTag: 'n', noAck: true },
        );
      });
      const out = await bothWays(async ({ rabbit, log }) => {
        const channel = await rabbit.createChannel();
        await channel.assertQueue('q', { arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2 } });
        for (let i = 1; i <= 5; i++) channel.sendToQueue('q', Buffer.from(`q-${i}`));
        await channel.consume(
          'q',
          (m) => {
            if (!m) return;
            seen(log, m);
            log.push(`count ${JSON.stringify(m.properties.headers?.['x-delivery-count'] ?? 0)}`);
            if (m.content.toString() === 'q-2') channel.nack(m);
            else channel.ack(m);
          },
          { consumerTag: 'c' },
        );
      });
      // q-2 went past its delivery limit; with no dead-letter exchange the broker dropped it.
      expect(out.ledger.filter((e) => e.fate === 'rejected-by-broker')).toHaveLength(1);
    });

    it('deliveriesPerStep keeps its meaning: with 1, a step hook sees every single delivery', async () => {
      const counts: number[] = [];
      const out = await bothWays(
        async ({ sim, rabbit, log }) => {
          const channel = await orders(rabbit, 8);
          let delivered = 0;
          sim.onStep(() => counts.push(delivered));
          await channel.consume(
            'orders',
            (m) => {
              if (!m) return;
              delivered++;
              seen(log, m);
              channel.ack(m);
            },
            { consumerTag: 'c' },
          );
        },
        { deliveriesPerStep: 1 },
      );
      expect(out.log).toHaveLength(8);
      // Both runs pushed into `counts`: each step delivered at most one message.
      const half = counts.slice(counts.length / 2);
      for (let i = 1; i < half.length; i++) expect(half[i]! - half[i - 1]!).toBeLessThanOrEqual(1);
      expect(half.at(-1)).toBe(8);
    });
  });

describe('delivery runs build headers from a literal per key set (headersCopier), as the general loop copies them', () => {
  const headerSets: (Record<string, unknown> | undefined)[] = [
    { type: 'OrderCreated' },
    { type: 'OrderPaid', n: 2, nested: { deep: [1, 2] } },
    undefined,
    {},
    { 'quote"key': 1, 'line\u2028sep': 2, '}; ({': 3 },
    JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>,
    { b: 1, 2: 'two', 1: 'one' },
    { type: 'OrderCreated' },
  ];

  /** Publishes one message per header set (twice over), with a messageId so each goes through deliverRun. */
  async function publishAll(
    rabbit: SimRabbitMq,
    queueOptions?: Parameters<Awaited<ReturnType<SimRabbitMq['createChannel']>>['assertQueue']>[1],
  ) {
    const channel = await rabbit.createChannel();
    await channel.assertQueue('orders', queueOptions);
    for (let round = 0; round < 2; round++)
      headerSets.forEach((headers, i) =>
        channel.sendToQueue('orders', Buffer.from(`orders-${round}-${i}`), { messageId: `id-${i}`, headers }),
      );
    return channel;
  }

  const describeHeaders = (m: SimAmqpMessage) =>
    [
      JSON.stringify(m.properties),
      Object.keys(m.properties).join(),
      JSON.stringify(Reflect.ownKeys(m.properties.headers).map(String)),
      JSON.stringify(Object.getOwnPropertyDescriptors(m.properties.headers)),
      String(Object.getPrototypeOf(m.properties.headers) === Object.prototype),
    ].join(' | ');

  it('each delivery gets its own headers: what a handler changes, or keeps and changes later, reaches no redelivery', async () => {
    const kept: SimAmqpMessage[] = [];
    const out = await bothWays(async ({ sim, rabbit, log }) => {
      kept.length = 0;
      const channel = await publishAll(rabbit);
      await consumeOrders(channel, log, (m) => {
        log.push(describeHeaders(m));
        const headers = m.properties.headers;
        headers.type = 'changed by the handler';
        delete headers.n;
        headers['x-mine'] = m.fields.deliveryTag;
        kept.push(m);
        // The first delivery of each message goes back to the queue: its redelivery must look as published.
        if (m.fields.redelivered) channel.ack(m);
        else channel.nack(m);
      });
      // Kept messages changed later, by a timer: still nothing reaches what is delivered after.
      sim.schedule(0, 'change kept headers', () => {
        for (const m of kept) m.properties.headers.later = true;
      });
      sim.schedule(0, 'peek', () =>
        log.push(JSON.stringify(rabbit.peek('orders').map((p) => p.properties.headers))),
      );
    });
    // Each delivery is logged as two lines: who got what, then its properties.
    const seenBy = new Map<string, string[]>();
    for (let i = 0; i + 1 < out.log.length; i += 2) {
      const body = out.log[i]!.split(' ')[2]!;
      seenBy.set(body, [...(seenBy.get(body) ?? []), out.log[i + 1]!]);
    }
    expect(seenBy.size).toBe(headerSets.length * 2);
    for (const [body, views] of seenBy) {
      expect(views, body).toHaveLength(2);
      expect(views[1], body).toBe(views[0]); // the redelivery looks as the first delivery did
    }
    expect(out.log.some((l) => l.includes('changed by the handler') || l.includes('x-mine'))).toBe(false);
    expect(out.log.some((l) => l.includes('"n":2'))).toBe(true);
    expect(out.log.filter((l) => l.includes('(redelivered)'))).toHaveLength(headerSets.length * 2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('quorum returns (x-delivery-count) and dead-lettered headers go on being copied as before', async () => {
    const out = await bothWays(async ({ rabbit, log }) => {
      const channel = await publishAll(rabbit, {
        arguments: { 'x-queue-type': 'quorum' },
        deadLetterExchange: '',
        deadLetterRoutingKey: 'dead',
      });
      await channel.assertQueue('dead');
      await consumeOrders(channel, log, (m) => {
        log.push(describeHeaders(m));
        if (m.content.toString().endsWith('-1') && !m.fields.redelivered) channel.nack(m);
        else if (m.content.toString().endsWith('-4')) channel.reject(m, false);
        else channel.ack(m);
      });
      await channel.consume(
        'dead',
        (m) => {
          if (!m) return;
          log.push(`dead ${describeHeaders(m)}`);
          channel.ack(m);
        },
        { consumerTag: 'd' },
      );
    });
    expect(out.log.some((l) => l.includes('"x-delivery-count":1'))).toBe(true);
    expect(out.log.some((l) => l.startsWith('dead ') && l.includes('x-first-death-reason'))).toBe(true);
  });
});
