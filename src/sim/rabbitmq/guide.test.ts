// The examples of docs/sim-rabbitmq.md, executed. Each `#region name` is shown verbatim in the
// guide; the last test fails when the two disagree.
import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  rabbitMqBehaviour,
  simRabbitMq,
  simRabbitMqDriver,
  type SimAmqpMessage,
} from 'eventproof/sim';
import { expectGuideShowsRegions } from '../../../test/support/guide-regions.js';

describe('docs/sim-rabbitmq.md', () => {
  it('quick start', async () => {
    // #region quickstart
    const sim = createSimulation({ seed: 42 });
    const rabbit = simRabbitMq(sim);
    const channel = await rabbit.createChannel();

    await channel.assertExchange('shop', 'topic');
    await channel.assertQueue('billing');
    await channel.bindQueue('billing', 'shop', 'order.*');

    const billed: string[] = [];
    await channel.consume('billing', (msg) => {
      if (!msg) return;
      billed.push(msg.content.toString());
      channel.ack(msg);
    });

    channel.publish('shop', 'order.created', Buffer.from('order 1'));
    channel.publish('shop', 'refund.created', Buffer.from('refund 1')); // no binding matches: dropped
    await sim.runUntilIdle();

    expect(billed).toEqual(['order 1']);
    expect(rabbit.queueStats('billing')).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    // #endregion quickstart
  });

  it('routing', async () => {
    const sim = createSimulation({ seed: 1 });
    const rabbit = simRabbitMq(sim);
    const channel = await rabbit.createChannel();
    // #region routing
    await channel.assertExchange('unrouted', 'fanout');
    await channel.assertExchange('events', 'topic', { alternateExchange: 'unrouted' });
    await channel.assertExchange('by-region', 'headers');
    for (const q of ['all-orders', 'eu', 'lost-and-found']) await channel.assertQueue(q);
    await channel.bindQueue('all-orders', 'events', 'order.#'); // # = zero or more words
    await channel.bindQueue('eu', 'by-region', '', { 'x-match': 'all', region: 'eu' });
    await channel.bindQueue('lost-and-found', 'unrouted', '');

    channel.publish('events', 'order', Buffer.from('a'));
    channel.publish('events', 'order.created.eu', Buffer.from('b'));
    channel.publish('events', 'invoice.sent', Buffer.from('c')); // → the alternate exchange
    channel.publish('by-region', '', Buffer.from('d'), { headers: { region: 'eu' } });

    const bodies = (q: string) => rabbit.peek(q).map((m) => m.content.toString());
    expect(bodies('all-orders')).toEqual(['a', 'b']);
    expect(bodies('lost-and-found')).toEqual(['c']);
    expect(bodies('eu')).toEqual(['d']);
    // #endregion routing
  });

  it('acks, prefetch and requeue', async () => {
    const sim = createSimulation({ seed: 1 });
    const rabbit = simRabbitMq(sim);
    // #region acks
    const channel = await rabbit.createChannel();
    await channel.assertQueue('jobs');
    await channel.prefetch(2); // at most 2 unacked deliveries per consumer

    const held: SimAmqpMessage[] = [];
    await channel.consume('jobs', (msg) => void (msg && held.push(msg)));
    for (const job of ['1', '2', '3']) channel.sendToQueue('jobs', Buffer.from(job));
    await sim.runUntilIdle();
    expect(held.map((m) => m.content.toString())).toEqual(['1', '2']);
    expect(rabbit.queueStats('jobs')).toEqual({ ready: 1, unacked: 2, consumers: 1 });

    channel.nack(held[0]!); // requeue=true: back at the head, redelivered=true
    channel.ack(held[1]!);
    await sim.runUntilIdle();
    expect(held.slice(2).map((m) => [m.content.toString(), m.fields.redelivered])).toEqual([
      ['1', true],
      ['3', false],
    ]);
    // #endregion acks
  });

  it('dead-lettering and TTL', async () => {
    const sim = createSimulation({ seed: 1 });
    const rabbit = simRabbitMq(sim);
    const channel = await rabbit.createChannel();
    // #region dead-letter
    await channel.assertExchange('dlx', 'direct');
    await channel.assertQueue('orders.dlq');
    await channel.bindQueue('orders.dlq', 'dlx', 'dead.orders');
    await channel.assertQueue('orders', {
      messageTtl: 60_000, // per-queue TTL
      deadLetterExchange: 'dlx',
      deadLetterRoutingKey: 'dead.orders', // default: the message's own routing key
    });

    channel.sendToQueue('orders', Buffer.from('poison'));
    channel.sendToQueue('orders', Buffer.from('late'), { expiration: '5000' }); // per-message TTL
    const poison = await channel.get('orders');
    if (poison) channel.reject(poison, false); // requeue=false → dead-lettered, reason 'rejected'
    await sim.advance(5_000); // virtual time: 'late' is at the head now and expires

    const dead = rabbit.peek('orders.dlq');
    expect(dead.map((m) => [m.content.toString(), m.properties.headers['x-first-death-reason']])).toEqual([
      ['poison', 'rejected'],
      ['late', 'expired'],
    ]);
    expect(dead[1]!.properties.headers['x-death']).toEqual([
      expect.objectContaining({
        reason: 'expired',
        queue: 'orders',
        count: 1,
        'original-expiration': '5000',
      }),
    ]);
    // #endregion dead-letter
  });

  it('quorum delivery limit', async () => {
    const sim = createSimulation({ seed: 1 });
    const rabbit = simRabbitMq(sim);
    const channel = await rabbit.createChannel();
    await channel.assertQueue('parked');
    // #region quorum
    await channel.assertQueue('payments', {
      deadLetterExchange: '', // the default exchange: dead letters go to the queue named by the key
      deadLetterRoutingKey: 'parked',
      arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2 },
    });
    const attempts: unknown[] = [];
    await channel.consume('payments', (msg) => {
      if (!msg) return;
      attempts.push(msg.properties.headers['x-delivery-count'] ?? 0);
      channel.reject(msg, true); // always fails: a poison message
    });
    channel.sendToQueue('payments', Buffer.from('pay 1'));
    await sim.runUntilIdle();

    expect(attempts).toEqual([0, 1, 2]); // the first delivery and two returns, then the limit
    expect(rabbit.peek('parked')[0]!.properties.headers['x-first-death-reason']).toBe('delivery_limit');
    // #endregion quorum
  });

  it('faults', async () => {
    // #region faults
    const sim = createSimulation({
      seed: 7,
      faults: [
        { kind: 'duplicate', broker: 'rabbitmq', probability: 0.2 }, // the ack is lost: redelivered
        { kind: 'crash-before-ack', broker: 'rabbitmq', probability: 0.1 }, // handler ran, ack never sent
      ],
    });
    const rabbit = simRabbitMq(sim);
    const channel = await rabbit.createChannel();
    await channel.assertQueue('emails');

    const sent = new Set<string>();
    let deliveries = 0;
    await channel.consume('emails', (msg) => {
      if (!msg) return;
      deliveries++;
      sent.add(msg.properties.messageId!); // idempotent: a set, not a counter
      channel.ack(msg);
    });
    for (let i = 0; i < 20; i++) channel.sendToQueue('emails', Buffer.from('hi'), { messageId: `e${i}` });
    await sim.runUntilIdle();

    expect(sent.size).toBe(20);
    expect(deliveries).toBeGreaterThan(20); // redelivered=true copies arrived
    expect(sim.ledger.count('acked')).toBe(20);
    // #endregion faults
    expect(sim.trace.render()).toMatch(/fault/);
  });

  it('consumer crash', async () => {
    const sim = createSimulation({ seed: 1 });
    const rabbit = simRabbitMq(sim);
    const setup = await rabbit.createChannel();
    await setup.assertQueue('work');
    for (const job of ['a', 'b']) setup.sendToQueue('work', Buffer.from(job));
    // #region crash
    const doomed = await rabbit.createChannel();
    await doomed.consume('work', () => {}); // takes both, acks nothing
    await sim.runUntilIdle();
    doomed.crash(); // the process dies: its unacked messages are requeued

    const survivor = await rabbit.createChannel();
    const seen: string[] = [];
    await survivor.consume('work', (msg) => {
      if (!msg) return;
      seen.push(`${msg.content.toString()} redelivered=${msg.fields.redelivered}`);
      survivor.ack(msg);
    });
    await sim.runUntilIdle();
    expect(seen).toEqual(['a redelivered=true', 'b redelivered=true']);
    // #endregion crash
  });

  it('confirms and outages', async () => {
    // #region confirms
    const sim = createSimulation({
      seed: 3,
      faults: [{ kind: 'unavailable', broker: 'rabbitmq', fromMs: 0, untilMs: 1_000 }],
    });
    const rabbit = simRabbitMq(sim);
    const channel = await rabbit.createConfirmChannel();
    await channel.assertQueue('orders');

    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      try {
        channel.sendToQueue('orders', Buffer.from(String(i)), {}, (err) =>
          outcomes.push(err ? 'unconfirmed' : 'confirmed'),
        );
      } catch (error) {
        outcomes.push((error as { code: string }).code); // 'BROKER_UNAVAILABLE': failed at once
      }
    }
    await expect(channel.waitForConfirms()).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    expect(outcomes).not.toContain('confirmed'); // while the broker is down, nothing is confirmed
    // #endregion confirms
  });

  it('behavioural suite', async () => {
    // #region behaviour
    for (const { rule, run } of rabbitMqBehaviour) {
      const driver = simRabbitMqDriver({ seed: 1 });
      try {
        await run(driver); // throws an AssertionError naming what broke
      } catch (error) {
        throw new Error(`rule '${rule}' failed on ${driver.name}`, { cause: error });
      } finally {
        await driver.close();
      }
    }
    // #endregion behaviour
  });

  it('every marked block of the guide equals its executed region here', () => {
    expectGuideShowsRegions('docs/sim-rabbitmq.md', 'src/sim/rabbitmq/guide.test.ts');
  });
});
