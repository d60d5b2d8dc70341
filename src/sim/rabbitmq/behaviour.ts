import assert from 'node:assert/strict';
import type { FaultSpec } from '../faults.js';
import { createSimulation, type Simulation } from '../world.js';
import type { SimChannel } from './channel.js';
import type { SimRabbitMqOptions } from './options.js';
import { simRabbitMq, type SimRabbitMq } from './rabbitmq.js';
import type { RabbitQueueStats } from './types.js';

/**
 * RabbitMQ's rules, stated once and run against the simulator here and against a real broker in
 * the brokers layer: "same contract tests for the fake and the real thing". The rules speak
 * amqplib's channel API, which the model imitates, so a real driver hands them amqplib channels.
 */

/**
 * A delivered message as the rules read it: the fields amqplib and the model share.
 *
 * @example
 * ```ts
 * const text = (message: AmqpMessageLike) => message.content.toString();
 * ```
 */
export interface AmqpMessageLike {
  content: Buffer;
  fields: { deliveryTag: number; redelivered: boolean; exchange: string; routingKey: string };
  properties: {
    headers?: Record<string, unknown>;
    expiration?: string | undefined;
    messageId?: string | undefined;
  };
}

/**
 * The part of an amqplib channel the rules use; amqplib's `Channel` and {@link SimChannel} both fit.
 *
 * @example
 * ```ts
 * const channel: AmqpChannelLike = await driver.channel();
 * await channel.assertQueue(driver.unique('orders'), { durable: false });
 * ```
 */
export interface AmqpChannelLike {
  assertExchange(
    name: string,
    type: string,
    options?: { alternateExchange?: string; durable?: boolean },
  ): Promise<unknown>;
  assertQueue(name: string, options?: Record<string, unknown>): Promise<{ queue: string }>;
  bindQueue(queue: string, source: string, pattern: string, args?: Record<string, unknown>): Promise<unknown>;
  publish(exchange: string, routingKey: string, content: Buffer, options?: Record<string, unknown>): boolean;
  sendToQueue(queue: string, content: Buffer, options?: Record<string, unknown>): boolean;
  prefetch(count: number, global?: boolean): Promise<unknown>;
  consume(
    queue: string,
    onMessage: (message: AmqpMessageLike | null) => void,
    options?: { noAck?: boolean },
  ): Promise<{ consumerTag: string }>;
  get(queue: string, options?: { noAck?: boolean }): Promise<AmqpMessageLike | false>;
  ack(message: AmqpMessageLike, allUpTo?: boolean): void;
  nack(message: AmqpMessageLike, allUpTo?: boolean, requeue?: boolean): void;
  reject(message: AmqpMessageLike, requeue?: boolean): void;
  on(event: 'return', listener: (message: AmqpMessageLike) => void): unknown;
  close(): Promise<void>;
}

/**
 * What a rule needs from a broker, simulated or real.
 *
 * @example
 * ```ts
 * for (const { rule, run } of rabbitMqBehaviour) {
 *   it(rule, async () => {
 *     const driver = simRabbitMqDriver();
 *     try { await run(driver); } finally { await driver.close(); }
 *   });
 * }
 * ```
 */
export interface RabbitMqDriver {
  readonly name: string;
  /** A name unique to this run, so rules never meet each other's queues on a shared broker. */
  unique(base: string): string;
  channel(): Promise<AmqpChannelLike>;
  /** The process consuming on `channel` dies: no ack, no clean close. */
  crash(channel: AmqpChannelLike): Promise<void>;
  /** Waits until the broker is quiet: the simulator runs until idle, a real driver waits on broker facts. */
  settle(): Promise<void>;
  /** Lets `ms` pass: virtual time in the simulator, real time on a broker. */
  wait(ms: number): Promise<void>;
  stats(queue: string): Promise<RabbitQueueStats>;
  close(): Promise<void>;
}

/**
 * One rule of the broker's behaviour; `seedRow` names the strategy's RabbitMQ row it proves.
 *
 * @example
 * ```ts
 * const rule: RabbitMqRule = { rule: 'fanout ignores the key', seedRow: 'Routing keys', run: async (driver) => { … } };
 * ```
 */
export interface RabbitMqRule {
  readonly rule: string;
  readonly seedRow?: 'Routing keys' | 'Acknowledgments' | 'Dead letter' | 'TTL';
  run(driver: RabbitMqDriver): Promise<void>;
}

const body = (text: string): Buffer => Buffer.from(text);
const text = (message: AmqpMessageLike): string => message.content.toString();

/** Takes every ready message of `queue` with basic.get (acking each) and returns the bodies in order. */
async function drain(channel: AmqpChannelLike, queue: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const message = await channel.get(queue);
    if (message === false) return out;
    out.push(text(message));
    channel.ack(message);
  }
}

interface Death {
  count: number;
  reason: string;
  queue: string;
  exchange: string;
  'routing-keys': string[];
  'original-expiration'?: string;
}
const deaths = (message: AmqpMessageLike): Death[] =>
  (message.properties.headers?.['x-death'] ?? []) as Death[];

/** A dead-letter exchange (fanout) and its queue, the usual DLQ set-up. */
async function deadLetterQueue(
  driver: RabbitMqDriver,
  channel: AmqpChannelLike,
  type = 'fanout',
  pattern = '',
) {
  const dlx = driver.unique('dlx');
  const dlq = driver.unique('dlq');
  await channel.assertExchange(dlx, type, { durable: false });
  await channel.assertQueue(dlq, { durable: false });
  await channel.bindQueue(dlq, dlx, pattern);
  return { dlx, dlq };
}

/**
 * The rules. Each is written so a broker breaking it fails: they assert what must arrive and what
 * must not.
 *
 * @example
 * ```ts
 * for (const { rule, run } of rabbitMqBehaviour) it(rule, () => run(simRabbitMqDriver()));
 * ```
 */
export const rabbitMqBehaviour: readonly RabbitMqRule[] = [
  {
    rule: 'a direct exchange routes by exact key',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const ex = driver.unique('orders.direct');
      const [paid, shipped] = [driver.unique('paid'), driver.unique('shipped')];
      await ch.assertExchange(ex, 'direct', { durable: false });
      for (const q of [paid, shipped]) await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(paid, ex, 'order.paid');
      await ch.bindQueue(shipped, ex, 'order.shipped');
      ch.publish(ex, 'order.paid', body('p1'));
      ch.publish(ex, 'order.shipped', body('s1'));
      ch.publish(ex, 'order.paid.eu', body('nowhere'));
      ch.publish(ex, 'order.paid', body('p2'));
      await driver.settle();
      assert.deepEqual(await drain(ch, paid), ['p1', 'p2']);
      assert.deepEqual(await drain(ch, shipped), ['s1']);
    },
  },
  {
    rule: 'topic: * matches exactly one word, # matches zero or more',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const ex = driver.unique('events.topic');
      const [one, many, tail] = [driver.unique('star'), driver.unique('hash'), driver.unique('tail')];
      await ch.assertExchange(ex, 'topic', { durable: false });
      for (const q of [one, many, tail]) await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(one, ex, 'order.*');
      await ch.bindQueue(many, ex, 'order.#');
      await ch.bindQueue(tail, ex, '#.paid');
      for (const key of [
        'order',
        'order.created',
        'order.created.eu',
        'refund.paid',
        'paid',
        'orders.created',
      ])
        ch.publish(ex, key, body(key));
      await driver.settle();
      assert.deepEqual(await drain(ch, one), ['order.created']);
      assert.deepEqual(await drain(ch, many), ['order', 'order.created', 'order.created.eu']);
      assert.deepEqual(await drain(ch, tail), ['refund.paid', 'paid']);
    },
  },
  {
    rule: 'a fanout exchange ignores the routing key',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const ex = driver.unique('broadcast');
      const [a, b] = [driver.unique('fan-a'), driver.unique('fan-b')];
      await ch.assertExchange(ex, 'fanout', { durable: false });
      for (const q of [a, b]) await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(a, ex, 'only-this');
      await ch.bindQueue(b, ex, '');
      ch.publish(ex, 'something.else', body('x'));
      await driver.settle();
      assert.deepEqual(await drain(ch, a), ['x']);
      assert.deepEqual(await drain(ch, b), ['x']);
    },
  },
  {
    rule: 'headers: x-match all needs every header, any needs one, and x- headers are ignored',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const ex = driver.unique('by.headers');
      const [all, any] = [driver.unique('h-all'), driver.unique('h-any')];
      await ch.assertExchange(ex, 'headers', { durable: false });
      for (const q of [all, any]) await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(all, ex, '', { 'x-match': 'all', region: 'eu', kind: 'order' });
      await ch.bindQueue(any, ex, '', { 'x-match': 'any', region: 'eu', kind: 'order', 'x-trace': 'on' });
      ch.publish(ex, '', body('both'), { headers: { region: 'eu', kind: 'order' } });
      ch.publish(ex, '', body('region'), { headers: { region: 'eu', kind: 'refund' } });
      ch.publish(ex, '', body('x-only'), { headers: { 'x-trace': 'on' } });
      ch.publish(ex, '', body('none'), { headers: { region: 'us' } });
      await driver.settle();
      assert.deepEqual(await drain(ch, all), ['both']);
      assert.deepEqual(await drain(ch, any), ['both', 'region']);
    },
  },
  {
    rule: 'the default exchange routes by queue name',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const q = driver.unique('direct-to-queue');
      await ch.assertQueue(q, { durable: false });
      ch.sendToQueue(q, body('a'));
      ch.publish('', q, body('b'));
      ch.publish('', driver.unique('no-such-queue'), body('lost'));
      await driver.settle();
      assert.deepEqual(await drain(ch, q), ['a', 'b']);
    },
  },
  {
    rule: 'unroutable messages go to the alternate exchange',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const [ex, ae] = [driver.unique('with-ae'), driver.unique('ae')];
      const [routed, unrouted] = [driver.unique('routed'), driver.unique('unrouted')];
      await ch.assertExchange(ae, 'fanout', { durable: false });
      await ch.assertExchange(ex, 'direct', { durable: false, alternateExchange: ae });
      for (const q of [routed, unrouted]) await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(routed, ex, 'known');
      await ch.bindQueue(unrouted, ae, '');
      ch.publish(ex, 'known', body('k'));
      ch.publish(ex, 'unknown', body('u'));
      await driver.settle();
      assert.deepEqual(await drain(ch, routed), ['k']);
      assert.deepEqual(await drain(ch, unrouted), ['u']);
    },
  },
  {
    rule: 'a message the alternate exchange takes is not returned, even when mandatory',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const [ex, ae, parked] = [driver.unique('strict'), driver.unique('strict-ae'), driver.unique('parked')];
      await ch.assertExchange(ae, 'fanout', { durable: false });
      await ch.assertExchange(ex, 'direct', { durable: false, alternateExchange: ae });
      await ch.assertQueue(parked, { durable: false });
      await ch.bindQueue(parked, ae, '');
      const returned: string[] = [];
      ch.on('return', (message) => returned.push(text(message)));
      ch.publish(ex, 'nobody', body('kept'), { mandatory: true });
      await driver.settle();
      assert.deepEqual(returned, []);
      assert.deepEqual(await drain(ch, parked), ['kept']);
    },
  },
  {
    rule: 'an unroutable mandatory message is returned to the publisher',
    seedRow: 'Routing keys',
    async run(driver) {
      const ch = await driver.channel();
      const ex = driver.unique('mandatory');
      await ch.assertExchange(ex, 'direct', { durable: false });
      const returned: string[] = [];
      ch.on('return', (message) => returned.push(`${message.fields.routingKey}:${text(message)}`));
      ch.publish(ex, 'nobody', body('back'), { mandatory: true });
      ch.publish(ex, 'nobody', body('silently dropped'));
      await driver.settle();
      assert.deepEqual(returned, ['nobody:back']);
    },
  },
  {
    rule: 'a message stays unacked until the consumer acks it, then it is gone',
    seedRow: 'Acknowledgments',
    async run(driver) {
      const ch = await driver.channel();
      const q = driver.unique('work');
      await ch.assertQueue(q, { durable: false });
      const held: AmqpMessageLike[] = [];
      await ch.consume(q, (message) => void (message && held.push(message)));
      ch.sendToQueue(q, body('job'));
      await driver.settle();
      assert.equal(held.length, 1);
      assert.deepEqual(await driver.stats(q), { ready: 0, unacked: 1, consumers: 1 });
      ch.ack(held[0]!);
      await driver.settle();
      assert.deepEqual(await driver.stats(q), { ready: 0, unacked: 0, consumers: 1 });
      assert.equal(held.length, 1, 'an acked message is never delivered again');
    },
  },
  {
    rule: 'nack with requeue=true redelivers with redelivered=true',
    seedRow: 'Acknowledgments',
    async run(driver) {
      const ch = await driver.channel();
      const q = driver.unique('retry');
      await ch.assertQueue(q, { durable: false });
      const seen: string[] = [];
      await ch.consume(q, (message) => {
        if (!message) return;
        seen.push(`${text(message)}:${String(message.fields.redelivered)}`);
        if (message.fields.redelivered) ch.ack(message);
        else ch.nack(message, false, true);
      });
      ch.sendToQueue(q, body('job'));
      await driver.settle();
      assert.deepEqual(seen, ['job:false', 'job:true']);
      assert.deepEqual(await driver.stats(q), { ready: 0, unacked: 0, consumers: 1 });
    },
  },
  {
    rule: 'a requeued message goes back to its original position at the head',
    seedRow: 'Acknowledgments',
    async run(driver) {
      const ch = await driver.channel();
      const q = driver.unique('ordered');
      await ch.assertQueue(q, { durable: false });
      for (const t of ['1', '2', '3']) ch.sendToQueue(q, body(t));
      await driver.settle();
      const first = await ch.get(q);
      const second = await ch.get(q);
      assert.ok(first && second);
      ch.nack(first, false, true);
      await driver.settle();
      const again = await ch.get(q);
      assert.ok(again, 'the requeued message is ready again');
      assert.equal(text(again), '1');
      assert.equal(again.fields.redelivered, true);
      ch.ack(second);
      ch.ack(again);
      assert.deepEqual(await drain(ch, q), ['3']);
    },
  },
  {
    rule: 'nack with requeue=false routes to the DLX',
    seedRow: 'Dead letter',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch);
      const q = driver.unique('poisoned');
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx });
      await ch.consume(q, (message) => message && ch.nack(message, false, false));
      ch.sendToQueue(q, body('poison'), { headers: { attempt: 1 } });
      await driver.settle();
      assert.deepEqual(await driver.stats(q), { ready: 0, unacked: 0, consumers: 1 });
      const dead = await ch.get(dlq);
      assert.ok(dead, 'the DLQ received the rejected message');
      assert.equal(text(dead), 'poison');
      assert.equal(dead.fields.routingKey, q, 'dead-lettering keeps the original routing key');
      assert.equal(dead.properties.headers?.attempt, 1);
      assert.equal(dead.properties.headers?.['x-first-death-reason'], 'rejected');
      assert.deepEqual(
        deaths(dead).map((d) => [d.reason, d.queue, d.count, d['routing-keys']]),
        [['rejected', q, 1, [q]]],
      );
      ch.ack(dead);
    },
  },
  {
    rule: 'reject with requeue=false dead-letters with the dead-letter routing key',
    seedRow: 'Dead letter',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch, 'direct', 'failed');
      const q = driver.unique('rejecting');
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx, deadLetterRoutingKey: 'failed' });
      await ch.consume(q, (message) => message && ch.reject(message, false));
      ch.sendToQueue(q, body('bad'));
      await driver.settle();
      const dead = await ch.get(dlq);
      assert.ok(dead, 'the dead-letter routing key reached the DLQ bound with it');
      assert.equal(dead.fields.routingKey, 'failed');
      assert.deepEqual(deaths(dead)[0]?.['routing-keys'], [q]);
      ch.ack(dead);
    },
  },
  {
    rule: 'prefetch limits unacked deliveries',
    seedRow: 'Acknowledgments',
    async run(driver) {
      const ch = await driver.channel();
      const q = driver.unique('limited');
      await ch.assertQueue(q, { durable: false });
      await ch.prefetch(2);
      const held: AmqpMessageLike[] = [];
      await ch.consume(q, (message) => void (message && held.push(message)));
      for (let i = 0; i < 5; i++) ch.sendToQueue(q, body(String(i)));
      await driver.settle();
      assert.equal(held.length, 2);
      assert.deepEqual(await driver.stats(q), { ready: 3, unacked: 2, consumers: 1 });
      ch.ack(held[0]!);
      await driver.settle();
      assert.equal(held.length, 3, 'one ack frees one slot');
      ch.ack(held[2]!, true);
      await driver.settle();
      assert.deepEqual(held.map(text), ['0', '1', '2', '3', '4']);
    },
  },
  {
    rule: 'a message routed to several queues lives on independently in each',
    seedRow: 'Acknowledgments',
    async run(driver) {
      const ch = await driver.channel();
      const ex = driver.unique('split');
      const [a, b] = [driver.unique('split-a'), driver.unique('split-b')];
      await ch.assertExchange(ex, 'fanout', { durable: false });
      for (const q of [a, b]) {
        await ch.assertQueue(q, { durable: false });
        await ch.bindQueue(q, ex, '');
      }
      ch.publish(ex, '', body('both'));
      await driver.settle();
      const fromA = await ch.get(a);
      assert.ok(fromA);
      ch.nack(fromA, false, false); // gone from a …
      await driver.settle();
      assert.deepEqual(await drain(ch, a), []);
      assert.deepEqual(await drain(ch, b), ['both']); // … still whole in b
    },
  },
  {
    rule: 'consumers of one queue share it: each message goes to one of them',
    seedRow: 'Acknowledgments',
    async run(driver) {
      const [a, b] = [await driver.channel(), await driver.channel()];
      const q = driver.unique('shared');
      await a.assertQueue(q, { durable: false });
      const got: Record<string, string[]> = { a: [], b: [] };
      for (const [name, ch] of [
        ['a', a],
        ['b', b],
      ] as const) {
        await ch.prefetch(1);
        await ch.consume(q, (message) => void (message && got[name]!.push(text(message))));
      }
      a.sendToQueue(q, body('1'));
      a.sendToQueue(q, body('2'));
      await driver.settle();
      assert.equal(got.a!.length, 1, 'with prefetch 1, the second message goes to the other consumer');
      assert.equal(got.b!.length, 1);
      assert.deepEqual([...got.a!, ...got.b!].sort(), ['1', '2']);
    },
  },
  {
    rule: 'a consumer crash requeues its unacked messages with redelivered=true',
    seedRow: 'Acknowledgments',
    async run(driver) {
      const worker = await driver.channel();
      const q = driver.unique('crashy');
      await worker.assertQueue(q, { durable: false });
      let crashedGot = 0;
      await worker.consume(q, (message) => void (message && crashedGot++));
      worker.sendToQueue(q, body('a'));
      worker.sendToQueue(q, body('b'));
      await driver.settle();
      assert.equal(crashedGot, 2);
      await driver.crash(worker);
      await driver.settle();
      assert.deepEqual(await driver.stats(q), { ready: 2, unacked: 0, consumers: 0 });
      const rescue = await driver.channel();
      const seen: string[] = [];
      await rescue.consume(q, (message) => {
        if (!message) return;
        seen.push(`${text(message)}:${String(message.fields.redelivered)}`);
        rescue.ack(message);
      });
      await driver.settle();
      assert.deepEqual(seen, ['a:true', 'b:true']);
    },
  },
  {
    rule: 'per-queue TTL expires to the DLX with reason expired',
    seedRow: 'TTL',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch);
      const q = driver.unique('short-lived');
      await ch.assertQueue(q, { durable: false, messageTtl: 50, deadLetterExchange: dlx });
      ch.sendToQueue(q, body('stale'));
      await driver.wait(200);
      await driver.settle();
      assert.equal((await driver.stats(q)).ready, 0);
      const dead = await ch.get(dlq);
      assert.ok(dead, 'the expired message reached the DLQ');
      assert.equal(text(dead), 'stale');
      assert.equal(deaths(dead)[0]?.reason, 'expired');
      ch.ack(dead);
    },
  },
  {
    rule: 'per-message TTL expires the message and removes its expiration',
    seedRow: 'TTL',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch);
      const q = driver.unique('per-message');
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx });
      ch.sendToQueue(q, body('soon'), { expiration: '50' });
      ch.sendToQueue(q, body('forever'));
      await driver.wait(200);
      await driver.settle();
      const dead = await ch.get(dlq);
      assert.ok(dead, 'the expired message reached the DLQ');
      assert.equal(text(dead), 'soon');
      assert.equal(dead.properties.expiration, undefined);
      assert.equal(deaths(dead)[0]?.reason, 'expired');
      assert.equal(deaths(dead)[0]?.['original-expiration'], '50');
      ch.ack(dead);
      assert.deepEqual(await drain(ch, q), ['forever']);
    },
  },
  {
    rule: 'the lower of the per-queue and the per-message TTL wins',
    seedRow: 'TTL',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch);
      const q = driver.unique('both-ttls');
      await ch.assertQueue(q, { durable: false, messageTtl: 60_000, deadLetterExchange: dlx });
      ch.sendToQueue(q, body('message ttl wins'), { expiration: '30' });
      await driver.wait(200);
      await driver.settle();
      assert.deepEqual(await drain(ch, dlq), ['message ttl wins']);
      const q2 = driver.unique('queue-ttl-wins');
      await ch.assertQueue(q2, { durable: false, messageTtl: 30, deadLetterExchange: dlx });
      ch.sendToQueue(q2, body('queue ttl wins'), { expiration: '60000' });
      await driver.wait(200);
      await driver.settle();
      assert.deepEqual(await drain(ch, dlq), ['queue ttl wins']);
    },
  },
  {
    rule: 'x-death counts each time a message dies in the same queue for the same reason',
    seedRow: 'Dead letter',
    async run(driver) {
      const ch = await driver.channel();
      // A retry loop: work rejects to the wait queue, whose TTL sends the message back to work.
      const [work, wait] = [driver.unique('retry-work'), driver.unique('retry-wait')];
      await ch.assertQueue(wait, {
        durable: false,
        messageTtl: 20,
        deadLetterExchange: '',
        deadLetterRoutingKey: work,
      });
      await ch.assertQueue(work, { durable: false, deadLetterExchange: '', deadLetterRoutingKey: wait });
      const seen: number[] = [];
      await ch.consume(work, (message) => {
        if (!message) return;
        const mine = deaths(message).find((d) => d.queue === work && d.reason === 'rejected');
        seen.push(mine?.count ?? 0);
        if (seen.length < 3) ch.reject(message, false);
        else ch.ack(message);
      });
      ch.sendToQueue(work, body('retry me'));
      for (let i = 0; i < 3 && seen.length < 3; i++) {
        await driver.wait(100);
        await driver.settle();
      }
      assert.deepEqual(seen, [0, 1, 2]);
    },
  },
  {
    rule: 'a classic queue expires messages only at the head',
    seedRow: 'TTL',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch);
      const q = driver.unique('head-only');
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx });
      ch.sendToQueue(q, body('long'), { expiration: '600000' });
      ch.sendToQueue(q, body('short'), { expiration: '20' });
      await driver.wait(200);
      assert.equal((await driver.stats(q)).ready, 2, 'the expired message waits behind a live head');
      const head = await ch.get(q);
      assert.ok(head);
      assert.equal(text(head), 'long');
      ch.ack(head);
      assert.equal(await ch.get(q), false, 'an expired message is never delivered');
      await driver.settle();
      assert.deepEqual(await drain(ch, dlq), ['short']);
    },
  },
  {
    rule: 'max-length drop-head dead-letters the oldest',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch);
      const q = driver.unique('bounded');
      await ch.assertQueue(q, { durable: false, maxLength: 2, deadLetterExchange: dlx });
      for (const t of ['1', '2', '3', '4']) ch.sendToQueue(q, body(t));
      await driver.settle();
      assert.deepEqual(await drain(ch, q), ['3', '4']);
      const dead: string[] = [];
      for (;;) {
        const message = await ch.get(dlq);
        if (!message) break;
        dead.push(`${text(message)}:${deaths(message)[0]?.reason ?? ''}`);
        ch.ack(message);
      }
      assert.deepEqual(dead, ['1:maxlen', '2:maxlen']);
    },
  },
  {
    rule: 'max-length reject-publish refuses the newest',
    async run(driver) {
      const ch = await driver.channel();
      const q = driver.unique('refusing');
      await ch.assertQueue(q, {
        durable: false,
        maxLength: 1,
        arguments: { 'x-overflow': 'reject-publish' },
      });
      for (const t of ['1', '2']) ch.sendToQueue(q, body(t));
      await driver.settle();
      assert.deepEqual(await drain(ch, q), ['1']);
    },
  },
  {
    rule: 'a quorum queue dead-letters after the delivery limit',
    seedRow: 'Dead letter',
    async run(driver) {
      const ch = await driver.channel();
      const { dlx, dlq } = await deadLetterQueue(driver, ch);
      const q = driver.unique('quorum');
      await ch.assertQueue(q, {
        durable: true,
        deadLetterExchange: dlx,
        arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2 },
      });
      const counts: unknown[] = [];
      await ch.consume(q, (message) => {
        if (!message) return;
        counts.push(message.properties.headers?.['x-delivery-count'] ?? 0);
        // A guard so a broker without the limit does not loop forever: the rule then fails on the counts.
        if (counts.length > 5) ch.ack(message);
        else ch.reject(message, true);
      });
      ch.sendToQueue(q, body('poison'));
      await driver.settle();
      assert.deepEqual(counts, [0, 1, 2]);
      const dead = await ch.get(dlq);
      assert.ok(dead, 'the DLQ received the message after its last allowed delivery');
      assert.equal(deaths(dead)[0]?.reason, 'delivery_limit');
      ch.ack(dead);
    },
  },
];

/**
 * A driver over the simulator, for the behavioural suite: settle runs the world until idle, wait
 * moves virtual time, crash is the model's `channel.crash()`.
 *
 * @example
 * ```ts
 * const driver = simRabbitMqDriver({ seed: 1 });
 * await rabbitMqBehaviour[0]!.run(driver);
 * ```
 */
export function simRabbitMqDriver(
  options: { seed?: number; faults?: readonly FaultSpec[]; model?: SimRabbitMqOptions } = {},
): RabbitMqDriver & {
  readonly sim: Simulation;
  readonly rabbit: SimRabbitMq;
} {
  const sim = createSimulation({ seed: options.seed ?? 1, faults: options.faults });
  const rabbit = simRabbitMq(sim, options.model);
  const channels: SimChannel[] = [];
  return {
    name: 'simulator',
    sim,
    rabbit,
    unique: (base) => base,
    async channel() {
      const channel = await rabbit.createChannel();
      channels.push(channel);
      return channel as unknown as AmqpChannelLike;
    },
    crash(channel) {
      (channel as unknown as SimChannel).crash();
      return Promise.resolve();
    },
    async settle() {
      const result = await sim.runUntilIdle({ maxSteps: 1_000_000 });
      if (!result.idle) throw new Error(`the simulation did not settle within ${result.steps} steps`);
      if (result.stuck.length > 0)
        throw new Error(`handlers never settled: ${result.stuck.map((s) => s.label).join(', ')}`);
    },
    async wait(ms) {
      await sim.advance(ms);
    },
    stats: (queue) => Promise.resolve(rabbit.queueStats(queue)),
    async close() {
      for (const channel of channels) await channel.close();
    },
  };
}
