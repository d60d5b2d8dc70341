import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  simRabbitMq,
  type FaultSpec,
  type SimAmqpMessage,
  type SimGetMessage,
} from '../../public/sim.js';

async function setup(options: { seed?: number; faults?: FaultSpec[]; trace?: boolean } = {}) {
  const sim = createSimulation({ seed: options.seed ?? 1, faults: options.faults, trace: options.trace });
  const rabbit = simRabbitMq(sim);
  const channel = await rabbit.createChannel();
  return { sim, rabbit, channel };
}

const text = (m: { content: Buffer }) => m.content.toString();

describe('declaring', () => {
  it('names a queue declared as "" (amq.gen-…) and reports counts', async () => {
    const { channel } = await setup();
    const reply = await channel.assertQueue('');
    expect(reply).toEqual({ queue: expect.stringMatching(/^amq\.gen-/), messageCount: 0, consumerCount: 0 });
    channel.sendToQueue(reply.queue, Buffer.from('x'));
    expect(await channel.checkQueue(reply.queue)).toMatchObject({ messageCount: 1 });
  });

  it('refuses to redeclare a queue with different arguments (PRECONDITION_FAILED) and closes the channel', async () => {
    const { rabbit, channel } = await setup();
    await channel.assertQueue('q', { messageTtl: 1000 });
    await expect(channel.assertQueue('q', { messageTtl: 2000 })).rejects.toMatchObject({
      code: 'SIM_CONFIG',
      message: expect.stringContaining("inequivalent arg 'x-message-ttl' for queue 'q'"),
    });
    expect(channel.isClosed).toBe(true);
    const other = await rabbit.createChannel();
    await expect(other.assertQueue('q', { messageTtl: 1000 })).resolves.toMatchObject({ queue: 'q' });
  });

  it('refuses an exchange redeclared with another type, unknown types and reserved names', async () => {
    const { rabbit, channel } = await setup();
    await channel.assertExchange('e', 'direct');
    await expect(channel.assertExchange('e', 'fanout')).rejects.toThrow(/inequivalent arg 'type'/);
    const c2 = await rabbit.createChannel();
    await expect(c2.assertExchange('f', 'fifo')).rejects.toThrow(/unknown exchange type 'fifo'/);
    const c3 = await rabbit.createChannel();
    await expect(c3.assertQueue('amq.mine')).rejects.toThrow(/reserved prefix/);
  });

  it('refuses impossible queue configuration with actionable messages', async () => {
    const { rabbit } = await setup();
    const cases: [Parameters<Awaited<ReturnType<typeof rabbit.createChannel>>['assertQueue']>[1], RegExp][] =
      [
        [{ messageTtl: -1 }, /x-message-ttl/],
        [{ maxLength: 1.5 }, /x-max-length/],
        [{ arguments: { 'x-overflow': 'drop-tail' } }, /x-overflow/],
        [{ arguments: { 'x-queue-type': 'stream' } }, /not modelled/],
        [{ arguments: { 'x-queue-type': 'quorum' }, exclusive: true }, /quorum queue must be durable/],
        [
          { arguments: { 'x-queue-type': 'quorum', 'x-overflow': 'reject-publish-dlx' } },
          /reject-publish-dlx/,
        ],
        [{ arguments: { 'x-delivery-limit': 3 } }, /only applies to quorum queues/],
        [{ deadLetterRoutingKey: 'k' }, /without x-dead-letter-exchange/],
      ];
    for (const [options, message] of cases) {
      const channel = await rabbit.createChannel();
      await expect(channel.assertQueue('bad', options)).rejects.toMatchObject({
        code: 'SIM_CONFIG',
        message: expect.stringMatching(message),
      });
    }
  });

  it('refuses bindings to unknown queues or exchanges, and to the default exchange', async () => {
    const { rabbit, channel } = await setup();
    await channel.assertQueue('q');
    await expect(channel.bindQueue('q', 'nope', 'k')).rejects.toMatchObject({
      code: 'SIM_UNKNOWN_TARGET',
      message: expect.stringContaining("NOT_FOUND - no exchange 'nope'"),
    });
    const c2 = await rabbit.createChannel();
    await expect(c2.bindQueue('missing', 'amq.direct', 'k')).rejects.toMatchObject({
      code: 'SIM_UNKNOWN_TARGET',
    });
    const c3 = await rabbit.createChannel();
    await expect(c3.bindQueue('q', '', 'q')).rejects.toThrow(/default exchange/);
    const c4 = await rabbit.createChannel();
    await expect(c4.consume('missing', () => {})).rejects.toMatchObject({ code: 'SIM_UNKNOWN_TARGET' });
    expect(() => rabbit.queueStats('missing')).toThrow(/no queue 'missing'/);
  });
});

describe('trace', () => {
  it('builds no trace events at all when the simulation runs with trace off', async () => {
    const { sim, channel } = await setup({ trace: false });
    let built = 0;
    const add = sim.trace.add.bind(sim.trace);
    sim.trace.add = (event) => {
      built++;
      add(event);
    };
    await channel.assertQueue('q');
    await channel.consume('q', (m) => m && channel.ack(m));
    channel.sendToQueue('q', Buffer.from('x'));
    await sim.runUntilIdle();
    expect(built).toBe(0);
    expect(sim.ledger.count('acked')).toBe(1);
  });
});

describe('error messages', () => {
  it('word broker refusals as amqplib reports them, with what to do', async () => {
    const { rabbit } = await setup();
    const message = async (run: (ch: Awaited<ReturnType<typeof rabbit.createChannel>>) => unknown) => {
      const ch = await rabbit.createChannel();
      try {
        await run(ch);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(await message((ch) => ch.publish('nope', 'k', Buffer.from('x')))).toMatchInlineSnapshot(
      `"[eventproof] Failed to publish to exchange 'nope': Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'nope' in vhost '/'" (channel 2). Declare it first with channel.assertExchange('nope', type), or check the name."`,
    );
    expect(await message((ch) => ch.consume('missing', () => {}))).toMatchInlineSnapshot(
      `"[eventproof] Failed to consume from queue 'missing': 404 (NOT-FOUND) with message "NOT_FOUND - no queue 'missing' in vhost '/'". Declare it first with channel.assertQueue('missing'), or check the name."`,
    );
    await (await rabbit.createChannel()).assertQueue('q', { messageTtl: 1000 });
    expect(await message((ch) => ch.assertQueue('q', { messageTtl: 2000 }))).toMatchInlineSnapshot(
      `"[eventproof] Failed to declare queue 'q': 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received '2000' but current is '1000'". Declare it with the same options as before, or delete the queue first (channel.deleteQueue)."`,
    );
    expect(
      await message(async (ch) => {
        ch.sendToQueue('q', Buffer.from('x'));
        const m = (await ch.get('q')) as SimGetMessage;
        ch.ack(m);
        ch.ack(m);
      }),
    ).toMatchInlineSnapshot(
      `"[eventproof] Failed to ack delivery tag 1: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - unknown delivery tag 1". A message is settled once: look for a double ack, or an ack on another channel than the one that received it."`,
    );
  });
});

describe('publishing', () => {
  it('refuses to settle something that is not a delivered message', async () => {
    const { channel } = await setup();
    const notDelivered = [
      undefined,
      {},
      { fields: {} },
      { fields: { deliveryTag: '1' } },
    ] as unknown as SimAmqpMessage[];
    for (const message of notDelivered) {
      expect(() => channel.ack(message)).toThrow(/it is not a delivered message \(no fields\.deliveryTag\)/);
      expect(() => channel.nack(message)).toThrow(/it is not a delivered message/);
      expect(() => channel.reject(message)).toThrow(/it is not a delivered message/);
    }
    expect(channel.isClosed).toBe(false);
  });

  it('words every refusal of a publish as before: closed channel, bad key or content, nack, outage', async () => {
    const { sim, rabbit } = await setup();
    const message = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    const closed = await rabbit.createChannel();
    await closed.close();
    expect(message(() => closed.publish('shop', 'k', Buffer.from('x')))).toMatchInlineSnapshot(
      `"[eventproof] Failed to publish to exchange 'shop': Channel closed (closed by the client). Open a new channel with rabbit.createChannel(); after a crash or a channel error the old one cannot be used."`,
    );
    const channel = await rabbit.createChannel();
    await channel.assertQueue('q');
    expect(message(() => channel.sendToQueue('q', 'text' as unknown as Buffer))).toMatchInlineSnapshot(
      `"[eventproof] Failed to publish to exchange '': the content must be a Buffer or Uint8Array, got string. Encode it first, e.g. Buffer.from(JSON.stringify(payload))."`,
    );
    expect(
      message(() => channel.publish('', 7 as unknown as string, Buffer.from('x'))),
    ).toMatchInlineSnapshot(
      `"[eventproof] Failed to publish to exchange '': the routing key must be a string, got number. Pass '' for no routing key."`,
    );
    expect(message(() => channel.publish('', 'é'.repeat(200), Buffer.from('x')))).toMatchInlineSnapshot(
      `"[eventproof] Failed to publish to exchange '': the routing key is longer than 255 bytes. Use a shorter routing key."`,
    );
    const confirm = await rabbit.createConfirmChannel();
    await confirm.assertQueue('small', { maxLength: 0, arguments: { 'x-overflow': 'reject-publish' } });
    const errors: (string | undefined)[] = [];
    confirm.sendToQueue('small', Buffer.from('x'), {}, (error) => errors.push(error?.message));
    await sim.runUntilIdle();
    expect(errors).toMatchInlineSnapshot(`
      [
        "[eventproof] Failed to publish to exchange '': RabbitMQ nacked the message: a queue it routes to is full (x-overflow reject-publish). Slow the publisher down, raise x-max-length, or publish again later.",
      ]
    `);
    sim.faults.add({ kind: 'unavailable', broker: 'rabbitmq', fromMs: 0, untilMs: 50 });
    const outage = await rabbit.createConfirmChannel();
    const outcomes = new Set<string>();
    for (let i = 0; i < 12; i++)
      outcomes.add(
        message(() => outage.publish('', 'q', Buffer.from('x'), {}, (error) => errors.push(error?.message))),
      );
    await sim.runUntilIdle();
    expect([...outcomes].sort()).toMatchInlineSnapshot(`
      [
        "[eventproof] Failed to publish to exchange '': the connection to RabbitMQ is down (simulated outage until 50ms): Connection closed. Reconnect and publish again; a publisher that retries must expect duplicates, so consumers should be idempotent.",
        "no error",
      ]
    `);
    expect([...new Set(errors.slice(1))]).toMatchInlineSnapshot(`
      [
        "[eventproof] Failed to publish to exchange '': the connection closed before the broker confirmed the message; it may or may not have arrived. Publish again, and make consumers idempotent for the duplicate this may create.",
      ]
    `);
  });

  it('an unknown exchange throws a typed 404 that mirrors amqplib, and closes the channel', async () => {
    const { channel } = await setup();
    const errors: Error[] = [];
    channel.on('error', (e) => errors.push(e));
    expect(() => channel.publish('nope', 'k', Buffer.from('x'))).toThrow(
      expect.objectContaining({
        code: 'SIM_UNKNOWN_TARGET',
        message: expect.stringContaining("NOT_FOUND - no exchange 'nope' in vhost '/'"),
      }),
    );
    expect(errors).toHaveLength(1);
    expect(() => channel.sendToQueue('q', Buffer.from('x'))).toThrow(
      expect.objectContaining({ code: 'SIM_CHANNEL_CLOSED' }),
    );
  });

  it('refuses content that is not bytes and a malformed expiration', async () => {
    const { channel } = await setup();
    await channel.assertQueue('q');
    expect(() => channel.sendToQueue('q', 'text' as unknown as Buffer)).toThrow(/Buffer or Uint8Array/);
    const heard: string[] = [];
    channel.on('close', () => heard.push('close'));
    expect(() => channel.sendToQueue('q', Buffer.from('x'), { expiration: '1.5s' })).toThrow(
      /invalid expiration/,
    );
    // A channel error, as RabbitMQ answers it (406): the channel is closed and says so.
    expect(channel.isClosed).toBe(true);
    expect(heard).toEqual(['close']);
  });

  it('accepts a Uint8Array and hands back a Buffer', async () => {
    const { sim, channel } = await setup();
    await channel.assertQueue('q');
    channel.sendToQueue('q', new TextEncoder().encode('héllo'));
    await sim.runUntilIdle();
    const m = await channel.get('q');
    expect(m && Buffer.isBuffer(m.content) && m.content.toString()).toBe('héllo');
  });

  it('a confirm channel is nacked by a full reject-publish queue and acked otherwise', async () => {
    const { rabbit } = await setup();
    const channel = await rabbit.createConfirmChannel();
    await channel.assertQueue('small', { maxLength: 1, arguments: { 'x-overflow': 'reject-publish' } });
    const outcomes: (string | null)[] = [];
    channel.sendToQueue('small', Buffer.from('1'), {}, (err) =>
      outcomes.push(err && (err as { code?: string }).code!),
    );
    channel.sendToQueue('small', Buffer.from('2'), {}, (err) =>
      outcomes.push(err && (err as { code?: string }).code!),
    );
    await expect(channel.waitForConfirms()).rejects.toMatchObject({ code: 'SIM_PUBLISH_NACKED' });
    expect(outcomes).toEqual([null, 'SIM_PUBLISH_NACKED']);
    await expect(channel.waitForConfirms()).resolves.toBeUndefined();
    expect(rabbit.queueStats('small').ready).toBe(1);
  });

  it('reject-publish-dlx dead-letters the refused message with reason maxlen', async () => {
    const { rabbit, channel } = await setup();
    await channel.assertExchange('dlx', 'fanout');
    await channel.assertQueue('dlq');
    await channel.bindQueue('dlq', 'dlx', '');
    await channel.assertQueue('small', {
      maxLength: 1,
      deadLetterExchange: 'dlx',
      arguments: { 'x-overflow': 'reject-publish-dlx' },
    });
    channel.sendToQueue('small', Buffer.from('1'));
    channel.sendToQueue('small', Buffer.from('2'));
    const dead = rabbit.peek('dlq');
    expect(dead.map((m) => [m.content.toString(), m.properties.headers['x-first-death-reason']])).toEqual([
      ['2', 'maxlen'],
    ]);
  });

  it('x-max-length-bytes counts ready bytes', async () => {
    const { rabbit, channel } = await setup();
    await channel.assertQueue('bytes', { arguments: { 'x-max-length-bytes': 5 } });
    for (const t of ['abc', 'de', 'f']) channel.sendToQueue('bytes', Buffer.from(t));
    expect(rabbit.peek('bytes').map((m) => m.content.toString())).toEqual(['de', 'f']);
  });

  it('exchange-to-exchange bindings forward, and a queue reached twice gets one copy', async () => {
    const { rabbit, channel } = await setup();
    await channel.assertExchange('front', 'topic');
    await channel.assertExchange('back', 'fanout');
    await channel.assertQueue('q');
    await channel.bindExchange('back', 'front', 'order.#');
    await channel.bindQueue('q', 'back', '');
    await channel.bindQueue('q', 'front', 'order.*');
    channel.publish('front', 'order.created', Buffer.from('x'));
    channel.publish('front', 'refund.created', Buffer.from('y'));
    expect(rabbit.peek('q').map((m) => m.content.toString())).toEqual(['x']);
  });

  it('returns mandatory unroutable messages and accounts for them as rejected-by-broker', async () => {
    const { sim, channel } = await setup();
    await channel.assertExchange('e', 'direct');
    const returned: string[] = [];
    channel.on('return', (m) => returned.push(`${m.fields.replyText}:${m.content.toString()}`));
    channel.publish('e', 'k', Buffer.from('back'), { mandatory: true });
    await sim.runUntilIdle();
    expect(returned).toEqual(['NO_ROUTE:back']);
    expect(sim.ledger.count('rejected-by-broker')).toBe(1);
  });
});

describe('consuming', () => {
  it('round-robins one queue over its consumers', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    const got: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const ch = await rabbit.createChannel();
      await ch.consume('q', (m) => {
        if (!m) return;
        got.push(`${name}${text(m)}`);
        ch.ack(m);
      });
    }
    for (let i = 1; i <= 6; i++) channel.sendToQueue('q', Buffer.from(String(i)));
    await sim.runUntilIdle();
    expect(got).toEqual(['a1', 'b2', 'c3', 'a4', 'b5', 'c6']);
  });

  it('makes the interleaving of deliveries across queues a recorded decision', async () => {
    const { sim, channel } = await setup({ seed: 3 });
    const order: string[] = [];
    for (const q of ['x', 'y']) {
      await channel.assertQueue(q);
      await channel.consume(q, (m) => m && (order.push(`${q}${text(m)}`), channel.ack(m)));
      for (let i = 0; i < 3; i++) channel.sendToQueue(q, Buffer.from(String(i)));
    }
    await sim.runUntilIdle();
    expect(sim.decisions.decisions.some((d) => d.kind === 'rabbitmq:deliver-next')).toBe(true);
    expect(order.filter((o) => o.startsWith('x'))).toEqual(['x0', 'x1', 'x2']);
    expect(order).toHaveLength(6);
  });

  it('a global prefetch limits the whole channel', async () => {
    const { sim, channel } = await setup();
    await channel.prefetch(3, true);
    const held: SimAmqpMessage[] = [];
    for (const q of ['a', 'b']) {
      await channel.assertQueue(q);
      await channel.consume(q, (m) => void (m && held.push(m)));
      for (let i = 0; i < 3; i++) channel.sendToQueue(q, Buffer.from(q));
    }
    await sim.runUntilIdle();
    expect(held).toHaveLength(3);
    channel.ack(held[0]!);
    await sim.runUntilIdle();
    expect(held).toHaveLength(4);
  });

  it('noAck consumers count as acked on delivery and lose messages on a crash', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    const worker = await rabbit.createChannel();
    await worker.consume('q', () => {}, { noAck: true });
    channel.sendToQueue('q', Buffer.from('x'));
    await sim.runUntilIdle();
    worker.crash();
    await sim.runUntilIdle();
    expect(rabbit.queueStats('q')).toEqual({ ready: 0, unacked: 0, consumers: 0 });
    expect(sim.ledger.count('acked')).toBe(1);
  });

  it('a cancelled consumer receives nothing more; its unacked stay until settled', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    const held: SimAmqpMessage[] = [];
    const { consumerTag } = await channel.consume('q', (m) => void (m && held.push(m)));
    channel.sendToQueue('q', Buffer.from('1'));
    await sim.runUntilIdle();
    await channel.cancel(consumerTag);
    channel.sendToQueue('q', Buffer.from('2'));
    await sim.runUntilIdle();
    expect(held).toHaveLength(1);
    expect(rabbit.queueStats('q')).toEqual({ ready: 1, unacked: 1, consumers: 0 });
    channel.ack(held[0]!);
    expect(rabbit.queueStats('q').unacked).toBe(0);
  });

  it('acking twice is a PRECONDITION_FAILED unknown delivery tag that closes the channel and requeues', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    channel.sendToQueue('q', Buffer.from('1'));
    channel.sendToQueue('q', Buffer.from('2'));
    const first = (await channel.get('q')) as SimGetMessage;
    await channel.get('q');
    const heard: string[] = [];
    channel.on('error', (error: Error) => heard.push(`error: ${error.message}`));
    channel.on('close', () => heard.push('close'));
    channel.ack(first);
    expect(() => channel.ack(first)).toThrow(/unknown delivery tag 1/);
    expect(channel.isClosed).toBe(true);
    // Its listeners hear it, as amqplib's do: reconnect-on-close code learns the channel is gone.
    expect(heard).toEqual([expect.stringMatching(/^error: .*PRECONDITION_FAILED/), 'close']);
    await sim.runUntilIdle();
    expect(rabbit.queueStats('q')).toEqual({ ready: 1, unacked: 0, consumers: 0 });
    expect(() => channel.ack({} as SimAmqpMessage)).toThrow(/Channel closed/);
  });

  it('ack with allUpTo settles every earlier delivery of the channel', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    const held: SimAmqpMessage[] = [];
    await channel.consume('q', (m) => void (m && held.push(m)));
    for (let i = 0; i < 4; i++) channel.sendToQueue('q', Buffer.from(String(i)));
    await sim.runUntilIdle();
    channel.ack(held[2]!, true);
    expect(rabbit.queueStats('q').unacked).toBe(1);
    channel.nackAll(false);
    expect(rabbit.queueStats('q').unacked).toBe(0);
  });

  it('deleting a queue cancels its consumers with a null message', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    const got: (SimAmqpMessage | null)[] = [];
    await channel.consume('q', (m) => void got.push(m));
    channel.sendToQueue('q', Buffer.from('x'));
    await channel.deleteQueue('q');
    await sim.runUntilIdle();
    expect(got).toEqual([null]);
    expect(rabbit.queueNames()).toEqual([]);
    expect(sim.ledger.count('rejected-by-broker')).toBe(1);
  });
});

describe('dead-lettering and expiry', () => {
  it('x-death counts repeated deaths per (queue, reason) and keeps the first death', async () => {
    const { sim, rabbit, channel } = await setup();
    // retry loop: work rejects to the DLX, the wait queue's TTL sends it back
    await channel.assertExchange('retry', 'direct');
    await channel.assertExchange('work.x', 'direct');
    await channel.assertQueue('work', { deadLetterExchange: 'retry' });
    await channel.bindQueue('work', 'work.x', 'job');
    await channel.assertQueue('wait', { messageTtl: 10, deadLetterExchange: 'work.x' });
    await channel.bindQueue('wait', 'retry', 'job');
    let seen = 0;
    let last: SimAmqpMessage | undefined;
    await channel.consume('work', (m) => {
      if (!m) return;
      seen++;
      last = m;
      if (seen < 3) channel.nack(m, false, false);
      else channel.ack(m);
    });
    channel.publish('work.x', 'job', Buffer.from('j'));
    await sim.runUntilIdle();
    expect(seen).toBe(3);
    const deaths = last!.properties.headers['x-death'] as { queue: string; reason: string; count: number }[];
    expect(deaths.map((d) => [d.queue, d.reason, d.count])).toEqual([
      ['wait', 'expired', 2],
      ['work', 'rejected', 2],
    ]);
    expect(last!.properties.headers['x-first-death-queue']).toBe('work');
    expect(sim.now()).toBe(20);
    expect(rabbit.queueStats('work').ready).toBe(0);
  });

  it('accounts a rejection as dead-lettered only when a queue received it; otherwise the broker dropped it', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertExchange('dlx', 'direct');
    await channel.assertQueue('dlq');
    await channel.bindQueue('dlq', 'dlx', 'dead');
    await channel.assertQueue('to-dlq', { deadLetterExchange: 'dlx', deadLetterRoutingKey: 'dead' });
    await channel.assertQueue('to-nowhere', { deadLetterExchange: 'dlx', deadLetterRoutingKey: 'unbound' });
    await channel.assertQueue('to-missing', { deadLetterExchange: 'no-such-exchange' });
    await channel.assertQueue('no-dlx');
    for (const queue of ['to-dlq', 'to-nowhere', 'to-missing', 'no-dlx']) {
      channel.sendToQueue(queue, Buffer.from(queue));
      await channel.consume(queue, (m) => void (m && channel.nack(m, false, false)));
    }
    await sim.runUntilIdle();
    const fates = Object.fromEntries(sim.ledger.all().map((e) => [e.origin, e.fate]));
    expect(fates).toEqual({
      'to-dlq': 'dead-lettered',
      'to-nowhere': 'rejected-by-broker',
      'to-missing': 'rejected-by-broker',
      'no-dlx': 'rejected-by-broker',
      dlq: 'queued',
    });
    expect(rabbit.queueStats('dlq').ready).toBe(1);
  });

  it('drops a dead-letter cycle that has no rejection in it', async () => {
    const { sim, channel } = await setup();
    await channel.assertQueue('loop', { messageTtl: 5, deadLetterExchange: '' });
    channel.sendToQueue('loop', Buffer.from('x'));
    await sim.runUntilIdle();
    // Dropped, not dead-lettered: no queue holds it, and the ledger says so.
    expect(sim.ledger.all().map((e) => e.fate)).toEqual(['rejected-by-broker']);
    expect(sim.trace.render()).toMatch(/dead-letter cycle without a rejection/);
  });

  it('an expired message with no DLX is accounted as expired', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q', { messageTtl: 100 });
    channel.sendToQueue('q', Buffer.from('x'));
    await sim.advance(99);
    expect(rabbit.queueStats('q').ready).toBe(1);
    await sim.advance(1);
    expect(rabbit.queueStats('q').ready).toBe(0);
    expect(sim.ledger.count('expired')).toBe(1);
  });

  it('a TTL of 0 delivers to a waiting consumer and expires otherwise', async () => {
    const { sim, channel } = await setup();
    await channel.assertQueue('now', { messageTtl: 0 });
    channel.sendToQueue('now', Buffer.from('nobody'));
    await sim.runUntilIdle();
    const got: string[] = [];
    await channel.consume('now', (m) => m && (got.push(text(m)), channel.ack(m)));
    channel.sendToQueue('now', Buffer.from('taken'));
    await sim.runUntilIdle();
    expect(got).toEqual(['taken']);
    expect(sim.ledger.count('expired')).toBe(1);
  });

  it('a head uncovered by a delivery expires on time, not at the next unrelated event', async () => {
    // Found by the conservation property: the new head's expiry timer was never armed.
    const { sim, channel } = await setup();
    await channel.assertQueue('q');
    channel.sendToQueue('q', Buffer.from('no ttl'));
    channel.sendToQueue('q', Buffer.from('short'), { expiration: '100' });
    await sim.advance(50);
    const expiredAt: number[] = [];
    sim.onStep(() => {
      if (sim.ledger.count('expired') === 1 && expiredAt.length === 0) expiredAt.push(sim.now());
    });
    await channel.prefetch(1);
    await channel.consume('q', () => {}); // holds 'no ttl': the expired message is now the head
    await sim.runUntilIdle();
    expect(expiredAt).toEqual([100]);
  });

  it('a requeued message keeps its original expiry', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q', { messageTtl: 50 });
    channel.sendToQueue('q', Buffer.from('x'));
    await sim.advance(40);
    const m = (await channel.get('q')) as SimGetMessage;
    channel.nack(m);
    await sim.advance(10);
    expect(rabbit.queueStats('q').ready).toBe(0);
  });

  it.each([
    ['every-return', 'nack', [0, 1, 2], 'dead-lettered'],
    ['failures', 'nack', [0, 0, 0, 0, 0, 0], 'looping'],
    ['failures', 'reject', [0, 1, 2], 'dead-lettered'],
  ] as const)(
    'quorumDeliveryCount %s: a consumer that %ss with requeue sees x-delivery-count %j',
    async (counting, verb, counts, outcome) => {
      const sim = createSimulation({ seed: 1 });
      const rabbit = simRabbitMq(sim, { quorumDeliveryCount: counting });
      const channel = await rabbit.createChannel();
      await channel.assertQueue('parked');
      await channel.assertQueue('payments', {
        deadLetterExchange: '',
        deadLetterRoutingKey: 'parked',
        arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2 },
      });
      const seen: unknown[] = [];
      await channel.consume('payments', (m) => {
        if (!m) return;
        seen.push(m.properties.headers?.['x-delivery-count'] ?? 0);
        if (seen.length >= 6)
          channel.ack(m); // end a loop the broker would not end
        else if (verb === 'nack') channel.nack(m, false, true);
        else channel.reject(m, true);
      });
      channel.sendToQueue('payments', Buffer.from('pay 1'));
      await sim.runUntilIdle();
      expect(seen).toEqual(counts);
      expect(rabbit.queueStats('parked').ready).toBe(outcome === 'dead-lettered' ? 1 : 0);
    },
  );

  it('refuses a quorumDeliveryCount it does not know', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => simRabbitMq(sim, { quorumDeliveryCount: 'sometimes' as never })).toThrow(
      /quorumDeliveryCount must be 'every-return' or 'failures'/,
    );
  });

  it.each(['every-return', 'failures'] as const)(
    'quorum queues tell consumers x-delivery-count, and a crash counts as a return (quorumDeliveryCount %s)',
    async (counting) => {
      const sim = createSimulation({ seed: 1 });
      const rabbit = simRabbitMq(sim, { quorumDeliveryCount: counting });
      const channel = await rabbit.createChannel();
      await channel.assertQueue('qq', { arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 1 } });
      channel.sendToQueue('qq', Buffer.from('x'));
      const worker = await rabbit.createChannel();
      await worker.consume('qq', () => {});
      await sim.runUntilIdle();
      worker.crash();
      const m = (await channel.get('qq')) as SimGetMessage;
      expect(m.properties.headers['x-delivery-count']).toBe(1);
      expect(m.fields.redelivered).toBe(true);
      channel.reject(m, true);
      expect(rabbit.queueStats('qq').ready).toBe(0);
      // Past its delivery limit with no dead-letter exchange: dropped by the broker.
      expect(sim.ledger.all().map((e) => e.fate)).toEqual(['rejected-by-broker']);
    },
  );
});

describe('faults', () => {
  it('crash-before-ack requeues the message after the handler ran; a late ack is ignored', async () => {
    const { sim, rabbit, channel } = await setup();
    const removeFault = sim.faults.add({ kind: 'crash-before-ack', broker: 'rabbitmq', probability: 1 });
    await channel.assertQueue('q');
    let runs = 0;
    await channel.consume('q', (m) => {
      if (!m) return;
      runs++;
      if (runs === 2) removeFault();
      channel.ack(m);
    });
    channel.sendToQueue('q', Buffer.from('x'));
    await sim.runUntilIdle();
    expect(runs).toBe(2);
    expect(rabbit.queueStats('q')).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    expect(sim.trace.render()).toMatch(/crash-before-ack/);
    expect(sim.ledger.all().map((e) => [e.fate, e.deliveries])).toEqual([['acked', 2]]);
  });

  it('names who acked and who died before its ack in the trace', async () => {
    const { sim, channel } = await setup({ trace: true });
    await channel.assertQueue('q');
    for (const body of ['a', 'b', 'c']) channel.sendToQueue('q', Buffer.from(body));
    const got = await channel.get('q');
    if (!got) throw new Error('expected a message');
    channel.ack(got);
    let removeFault = () => {};
    await channel.consume(
      'q',
      (m) => {
        if (!m) return;
        if (text(m) === 'c' && !m.fields.redelivered)
          removeFault = sim.faults.add({ kind: 'crash-before-ack', broker: 'rabbitmq', probability: 1 });
        channel.ack(m);
        removeFault();
      },
      { consumerTag: 'worker' },
    );
    await sim.runUntilIdle();
    const trace = sim.trace.render();
    expect(trace).toMatch(/by worker/);
    expect(trace).toMatch(/by basic\.get/);
    expect(trace).toMatch(/crash-before-ack: worker died before its ack/);
  });

  it('duplicate redelivers an acked message with redelivered=true', async () => {
    const { sim, channel } = await setup({
      faults: [{ kind: 'duplicate', broker: 'rabbitmq', probability: 0.5 }],
      seed: 5,
    });
    await channel.assertQueue('q');
    const seen: string[] = [];
    await channel.consume(
      'q',
      (m) => m && (seen.push(`${text(m)}${m.fields.redelivered ? '*' : ''}`), channel.ack(m)),
    );
    for (let i = 0; i < 20; i++) channel.sendToQueue('q', Buffer.from(String(i)));
    await sim.runUntilIdle();
    expect(seen.filter((s) => s.endsWith('*')).length).toBeGreaterThan(0);
    expect(new Set(seen.map((s) => s.replace('*', ''))).size).toBe(20);
    expect(sim.ledger.count('acked')).toBe(20);
  });

  it('delay holds a queue back without reordering it', async () => {
    const { sim, channel } = await setup({
      faults: [{ kind: 'delay', broker: 'rabbitmq', probability: 0.3, delayMs: 50 }],
      seed: 2,
    });
    await channel.assertQueue('q');
    const seen: string[] = [];
    await channel.consume('q', (m) => m && (seen.push(text(m)), channel.ack(m)));
    for (let i = 0; i < 10; i++) channel.sendToQueue('q', Buffer.from(String(i)));
    await sim.runUntilIdle();
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(sim.now()).toBeGreaterThan(0);
  });

  it('reorder only moves requeued messages', async () => {
    const { sim, channel } = await setup({
      faults: [{ kind: 'reorder', broker: 'rabbitmq', probability: 1 }],
    });
    await channel.assertQueue('q');
    for (const t of ['1', '2', '3']) channel.sendToQueue('q', Buffer.from(t));
    const first = (await channel.get('q')) as SimGetMessage;
    channel.nack(first);
    const order: string[] = [];
    for (;;) {
      const m = await channel.get('q');
      if (!m) break;
      order.push(text(m));
      channel.ack(m);
    }
    expect(order).toEqual(['2', '3', '1']);
    await sim.runUntilIdle();
  });

  it('an outage makes publishes fail or end unknown, and consumers stall until it ends', async () => {
    const { sim, rabbit, channel } = await setup({
      faults: [{ kind: 'unavailable', broker: 'rabbitmq', fromMs: 0, untilMs: 100 }],
      seed: 4,
    });
    await channel.assertQueue('q');
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        channel.sendToQueue('q', Buffer.from(String(i)));
        outcomes.push('returned');
      } catch (error) {
        outcomes.push((error as { code: string }).code);
      }
    }
    expect(outcomes).toContain('BROKER_UNAVAILABLE');
    expect(outcomes).toContain('returned');
    const arrived = rabbit.queueStats('q').ready;
    expect(arrived).toBeLessThan(outcomes.filter((o) => o === 'returned').length);
    const times: number[] = [];
    await channel.consume('q', (m) => m && (times.push(sim.now()), channel.ack(m)));
    await sim.runUntilIdle();
    expect(times).toHaveLength(arrived);
    expect(Math.min(...times)).toBe(100);
    expect(sim.ledger.count('rejected-by-broker') + sim.ledger.count('acked')).toBe(12);
  });
});

describe('bad handlers', () => {
  it('records a handler that throws a non-Error value; its message stays unacked', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    await channel.consume('q', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: handlers can throw anything
      throw 'boom';
    });
    await channel.consume('q', async () => {
      await Promise.resolve();
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: handlers can throw anything
      throw { weird: true };
    });
    channel.sendToQueue('q', Buffer.from('1'));
    channel.sendToQueue('q', Buffer.from('2'));
    const result = await sim.runUntilIdle();
    expect(result.idle).toBe(true);
    expect(rabbit.handlerFailures.map((f) => f.error)).toEqual(['boom', { weird: true }]);
    expect(rabbit.queueStats('q').unacked).toBe(2);
    expect(sim.trace.render()).toMatch(/threw non-Error value "boom"/);
  });

  it('records a handler that throws an Error whose message cannot be read, and keeps delivering', async () => {
    const { sim, rabbit, channel } = await setup();
    await channel.assertQueue('q');
    const hostile = new Error('hidden');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('message getter exploded');
      },
    });
    const seen: string[] = [];
    await channel.consume('q', (m) => {
      if (!m) return;
      seen.push(m.content.toString());
      if (m.content.toString() === 'bad') throw hostile;
      channel.ack(m);
    });
    channel.sendToQueue('q', Buffer.from('bad'));
    channel.sendToQueue('q', Buffer.from('good'));
    await sim.runUntilIdle();
    expect(seen).toEqual(['bad', 'good']);
    expect(rabbit.handlerFailures.map((f) => f.error)).toEqual([hostile]);
    expect(rabbit.queueStats('q')).toMatchObject({ ready: 0, unacked: 1 });
    expect(sim.trace.render()).toMatch(/a thrown value that cannot be printed/);
  });

  it('reports a handler that never settles as stuck instead of hanging', async () => {
    const { sim, channel } = await setup();
    await channel.assertQueue('q');
    await channel.consume('q', () => new Promise(() => {}));
    channel.sendToQueue('q', Buffer.from('1'));
    const result = await sim.runUntilIdle();
    expect(result.stuck.map((s) => s.label)).toEqual([
      expect.stringMatching(/consumer amq\.ctag-\d+ on q handling m1/),
    ]);
  });

  it('awaits async handlers: virtual time passes inside them', async () => {
    const { sim, channel } = await setup();
    await channel.assertQueue('q');
    const done: number[] = [];
    await channel.consume('q', async (m) => {
      await new Promise((r) => setTimeout(r, 1000));
      done.push(Date.now());
      if (m) channel.ack(m);
    });
    channel.sendToQueue('q', Buffer.from('1'));
    await sim.runUntilIdle();
    expect(done).toEqual([1000]);
  });
});
