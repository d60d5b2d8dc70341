import type { Channel, ChannelModel, ConfirmChannel, Message } from 'amqplib';
import type { AmqpChannelLike, AmqpMessageLike, RabbitMqDriver } from '../../sim/rabbitmq/behaviour.js';
import type { RabbitQueueStats } from '../../sim/rabbitmq/types.js';
import { BrokerOperationError } from '../errors.js';
import { isolatedName, isolatedPrefix } from '../names.js';
import { resolveEndpoint, type EndpointOptions, type ResolvedEndpoint } from '../provision.js';
import { loadAmqpClient } from './client.js';

/**
 * How to make a real-broker driver for the RabbitMQ behavioural suite.
 *
 * @example
 * ```ts
 * const driver = await rabbitMqDriver({ url: 'amqp://guest:guest@127.0.0.1:5672', label: 'rules' });
 * ```
 */
export interface RabbitMqDriverOptions extends EndpointOptions {
  /** Goes into every queue and exchange name the driver's rules create. Default `behaviour`. */
  readonly label?: string | undefined;
  /** How long `settle()` may wait for the broker to go quiet before it fails. Default 5000 ms. */
  readonly settleTimeoutMs?: number | undefined;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Broker facts are re-read this often while settling; quiet means unchanged over QUIET_READS reads. */
const POLL_MS = 15;
const QUIET_READS = 3;

/** A delivery a rule holds and has not settled yet: the broker counts it as unacknowledged. */
interface Outstanding {
  readonly queue: string;
}

/** One rule-facing channel: its own connection, so a crash can kill it without touching the others. */
class DriverChannel {
  private pending = 0;
  private delivered = 0;
  private dead = false;
  readonly outstanding = new Map<number, Outstanding>();
  /** Queue → how many consumers this channel runs on it. */
  readonly consuming = new Map<string, number>();

  constructor(
    readonly connection: ChannelModel,
    readonly raw: ConfirmChannel,
    private readonly declared: (kind: 'queue' | 'exchange', name: string) => void,
  ) {
    connection.on('error', () => undefined);
    raw.on('error', () => undefined);
    raw.on('close', () => this.lost());
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** What settling compares: publishes awaiting confirmation, deliveries seen, deliveries held. */
  get facts(): string {
    return `${this.pending}/${this.delivered}/${this.outstanding.size}`;
  }

  /** The connection is gone: the broker requeues what this channel held, so it holds nothing. */
  lost(): void {
    this.dead = true;
    this.outstanding.clear();
    this.consuming.clear();
  }

  /** Resolves once the broker has confirmed every publish and processed every ack sent before. */
  async caughtUp(): Promise<void> {
    if (this.dead) return;
    while (this.pending > 0 && !this.dead) await pause(2);
    // A synchronous method on the same channel answers only after the broker handled the frames before it.
    if (!this.dead) await this.raw.checkExchange('amq.direct').catch(() => undefined);
  }

  private note(queue: string, message: Message | false | null, noAck: boolean | undefined): void {
    if (!message) return;
    this.delivered++;
    if (noAck !== true) this.outstanding.set(message.fields.deliveryTag, { queue });
  }

  private settled(message: AmqpMessageLike, allUpTo: boolean | undefined): void {
    const tag = message.fields.deliveryTag;
    if (allUpTo !== true) {
      this.outstanding.delete(tag);
      return;
    }
    for (const held of [...this.outstanding.keys()]) if (held <= tag) this.outstanding.delete(held);
  }

  private published(): (error: unknown) => void {
    this.pending++;
    // A nack (say, reject-publish overflow) is an outcome too: settling only waits for the answer.
    return () => {
      this.pending--;
    };
  }

  /** The amqplib channel as the rules see it, with the bookkeeping settling and stats rely on. */
  view(): AmqpChannelLike {
    const raw = this.raw;
    const asMessage = (message: AmqpMessageLike) => message as unknown as Message;
    return {
      assertExchange: async (name, type, options) => {
        this.declared('exchange', name);
        return raw.assertExchange(name, type, options);
      },
      assertQueue: async (name, options) => {
        this.declared('queue', name);
        return raw.assertQueue(name, options);
      },
      bindQueue: (queue, source, pattern, args) => raw.bindQueue(queue, source, pattern, args),
      publish: (exchange, routingKey, content, options) =>
        raw.publish(exchange, routingKey, content, options ?? {}, this.published()),
      sendToQueue: (queue, content, options) =>
        raw.sendToQueue(queue, content, options ?? {}, this.published()),
      prefetch: (count, global) => raw.prefetch(count, global),
      consume: async (queue, onMessage, options) => {
        const reply = await raw.consume(
          queue,
          (message) => {
            this.note(queue, message, options?.noAck);
            onMessage(message);
          },
          options,
        );
        this.consuming.set(queue, (this.consuming.get(queue) ?? 0) + 1);
        return reply;
      },
      get: async (queue, options) => {
        const message = await raw.get(queue, options);
        this.note(queue, message, options?.noAck);
        return message;
      },
      ack: (message, allUpTo) => {
        this.settled(message, allUpTo);
        raw.ack(asMessage(message), allUpTo);
      },
      nack: (message, allUpTo, requeue) => {
        this.settled(message, allUpTo);
        raw.nack(asMessage(message), allUpTo, requeue);
      },
      reject: (message, requeue) => {
        this.settled(message, false);
        raw.reject(asMessage(message), requeue);
      },
      on: (event, listener) => raw.on(event, (message: Message) => listener(message)),
      close: async () => {
        if (this.dead) return;
        this.lost();
        await this.connection.close().catch(() => undefined);
      },
    };
  }
}

/**
 * A driver for {@link rabbitMqBehaviour} over a real RabbitMQ, so the rules the simulator is held
 * to are checked against the broker itself.
 *
 * Every channel gets its own connection (a crash destroys that socket, as a dying process would).
 * Names carry a random prefix and everything declared is deleted on `close()`. `settle()` waits on
 * broker facts: every publish confirmed, every ack processed, then the queues' ready and consumer
 * counts (passive declares, which are exact — the management API lags by seconds) and the
 * deliveries seen unchanged over a few reads. `stats().unacked` counts the deliveries the rules
 * hold and have not acked, nacked or rejected: AMQP has no exact way to ask, and a crash or close
 * hands them back to the broker.
 *
 * @example
 * ```ts
 * for (const { rule, run } of rabbitMqBehaviour) {
 *   it(rule, async () => {
 *     const driver = await rabbitMqDriver();
 *     try { await run(driver); } finally { await driver.close(); }
 *   });
 * }
 * ```
 */
export async function rabbitMqDriver(options: RabbitMqDriverOptions = {}): Promise<RabbitMqDriver> {
  const amqp = await loadAmqpClient();
  const endpoint = await resolveEndpoint('rabbitmq', options);
  const connect = async (): Promise<ChannelModel> => {
    try {
      return await amqp.connect(endpoint.url, { timeout: options.connectTimeoutMs ?? 1000, noDelay: true });
    } catch (cause) {
      throw new BrokerOperationError(
        'rabbitmq',
        'open an AMQP connection',
        endpoint.redacted,
        cause,
        'Check the URL, the credentials and the virtual host',
      );
    }
  };
  let admin: ChannelModel;
  try {
    admin = await connect();
  } catch (error) {
    await endpoint.stop?.();
    throw error;
  }
  admin.on('error', () => undefined);
  return new RealRabbitMqDriver(endpoint, admin, connect, options);
}

class RealRabbitMqDriver implements RabbitMqDriver {
  readonly name: string;
  private readonly prefix: string;
  private readonly channels: DriverChannel[] = [];
  private readonly byView = new Map<AmqpChannelLike, DriverChannel>();
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();
  private reader: Channel | undefined;

  constructor(
    private readonly endpoint: ResolvedEndpoint,
    private readonly admin: ChannelModel,
    private readonly connect: () => Promise<ChannelModel>,
    private readonly options: RabbitMqDriverOptions,
  ) {
    this.name = `rabbitmq at ${endpoint.redacted}`;
    this.prefix = isolatedPrefix(options.label ?? 'behaviour');
  }

  unique(base: string): string {
    return isolatedName(this.prefix, base);
  }

  async channel(): Promise<AmqpChannelLike> {
    const connection = await this.connect();
    const raw = await connection.createConfirmChannel();
    const channel = new DriverChannel(connection, raw, (kind, name) =>
      (kind === 'queue' ? this.queues : this.exchanges).add(name),
    );
    this.channels.push(channel);
    const view = channel.view();
    this.byView.set(view, channel);
    return view;
  }

  async crash(view: AmqpChannelLike): Promise<void> {
    const channel = this.byView.get(view);
    if (!channel) throw new Error('crash() takes a channel this driver made');
    const before = new Map<string, number>();
    for (const [queue, own] of channel.consuming)
      before.set(queue, (await this.check(queue)).consumerCount - own);
    channel.lost();
    // Destroying the socket is what a killed process does: no ack, no channel.close, no connection.close.
    (channel.connection.connection as unknown as { stream: { destroy(): void } }).stream.destroy();
    // The crash is over when the broker has noticed it: its consumers are gone from their queues.
    await this.until(async () => {
      for (const [queue, remaining] of before)
        if ((await this.check(queue)).consumerCount > remaining) return false;
      return true;
    }, 'the broker to notice the crashed connection');
  }

  async settle(): Promise<void> {
    let last = '';
    let quiet = 0;
    await this.until(async () => {
      await Promise.all(this.channels.map((c) => c.caughtUp()));
      const facts = [this.channels.map((c) => c.facts).join(',')];
      for (const queue of [...this.queues].sort()) {
        const { messageCount, consumerCount } = await this.check(queue);
        facts.push(`${messageCount}:${consumerCount}`);
      }
      const now = facts.join('|');
      quiet = now === last ? quiet + 1 : 0;
      last = now;
      return quiet >= QUIET_READS;
    }, 'the broker to go quiet');
  }

  wait(ms: number): Promise<void> {
    return pause(ms).then(() => undefined);
  }

  async stats(queue: string): Promise<RabbitQueueStats> {
    const { messageCount, consumerCount } = await this.check(queue);
    let unacked = 0;
    for (const channel of this.channels)
      for (const held of channel.outstanding.values()) if (held.queue === queue) unacked++;
    return { ready: messageCount, unacked, consumers: consumerCount };
  }

  async close(): Promise<void> {
    for (const channel of this.channels) if (channel.alive) await channel.view().close();
    try {
      for (const queue of this.queues) await (await this.readerChannel()).deleteQueue(queue);
      for (const exchange of this.exchanges) await (await this.readerChannel()).deleteExchange(exchange);
    } finally {
      await this.admin.close().catch(() => undefined);
      await this.endpoint.stop?.();
    }
  }

  /** A passive declare: exact counts, read now. A failed one closes its channel, so make another. */
  private async check(queue: string) {
    try {
      return await (await this.readerChannel()).checkQueue(queue);
    } catch (cause) {
      this.reader = undefined;
      throw new BrokerOperationError(
        'rabbitmq',
        `read the counts of queue '${queue}'`,
        this.endpoint.redacted,
        cause,
        'Declare the queue before asking for its counts',
      );
    }
  }

  private async readerChannel(): Promise<Channel> {
    if (!this.reader) {
      const reader = await this.admin.createChannel();
      reader.on('error', () => undefined);
      reader.on('close', () => {
        if (this.reader === reader) this.reader = undefined;
      });
      this.reader = reader;
    }
    return this.reader;
  }

  private async until(done: () => Promise<boolean>, what: string): Promise<void> {
    const timeoutMs = this.options.settleTimeoutMs ?? 5000;
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline)
        throw new BrokerOperationError(
          'rabbitmq',
          'settle',
          this.endpoint.redacted,
          new Error(`waited ${timeoutMs} ms for ${what}`),
          'Raise settleTimeoutMs, or look for a consumer that keeps the broker busy',
        );
      await pause(POLL_MS);
    }
  }
}
