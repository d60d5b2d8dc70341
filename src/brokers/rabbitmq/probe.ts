import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { normaliseHeaders } from '../../contracts/bytes.js';
import type { EventType, Headers } from '../../contracts/types.js';
import { pause, settleOnFacts } from '../settle.js';
import { BrokerOperationError } from '../errors.js';
import { destinationExpectation, type Observation } from '../expectation.js';
import { Inbox } from '../inbox.js';
import { isolatedName, isolatedPrefix } from '../names.js';
import type {
  BrokerProbe,
  DestinationExpectation,
  ProbeCapabilities,
  RawMessage,
  SettleOptions,
} from '../probe.js';
import { resolveEndpoint, type ResolvedEndpoint } from '../provision.js';
import { outgoing } from '../received.js';
import { loadAmqpClient } from './client.js';
import { RABBITMQ_DEFAULTS, type RabbitMqProbeOptions } from './options.js';
import type {
  RabbitMqDestination,
  RabbitMqExchange,
  RabbitMqExchangeType,
  RabbitMqQueue,
  RabbitMqQueueCounts,
  RabbitMqQueueOptions,
} from './types.js';

interface Observer {
  readonly inbox: Inbox;
  /** The queue read: the destination itself, or an exchange's tap queue. */
  readonly queue: string;
  started?: Promise<void>;
}

/**
 * Layer 4 against a real RabbitMQ: isolated queues and exchanges, publishing with publisher
 * confirms, assertions over what arrives, dead-letter queues behind a DLX, and `settled()` on ready
 * and unacknowledged counts.
 *
 * @example
 * ```ts
 * await using probe = await rabbitmq.probe();
 * const orders = await probe.queue('orders', { deadLetter: true });
 * await probe.publish(orders, OrderCreated, { orderId: '1', amount: 5 });
 * await probe.expect(orders).toReceive(OrderCreated);
 * ```
 */
export class RabbitMqProbe implements BrokerProbe<RabbitMqDestination> {
  readonly broker = 'rabbitmq' as const;
  readonly capabilities: ProbeCapabilities = {
    perKeyOrder: true,
    nativeDeadLetter: true,
    redeliveryCount: true,
    consumerGroups: true,
    replayable: false,
    messageTtl: true,
    deduplication: false,
  };
  readonly url: string;
  readonly source: ResolvedEndpoint['source'];
  readonly prefix: string;
  /** The AMQP URL to give the code under test (may contain credentials: do not print it). */
  readonly amqpUrl: string;
  private readonly queues: RabbitMqQueue[] = [];
  private readonly exchanges: string[] = [];
  private readonly taps = new Map<string, string>();
  private readonly observers = new Map<string, Observer>();
  private disposing: Promise<void> | undefined;

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly reader: Channel,
    private readonly endpoint: ResolvedEndpoint,
    private readonly options: RabbitMqProbeOptions,
  ) {
    this.url = endpoint.redacted;
    this.source = endpoint.source;
    this.amqpUrl = endpoint.url;
    this.prefix = isolatedPrefix(options.label ?? RABBITMQ_DEFAULTS.label);
    connection.on('error', () => undefined);
    connection.on('close', () => {
      for (const o of this.observers.values())
        if (o.started) o.inbox.problem('the connection to RabbitMQ closed');
    });
  }

  /** @internal Use `rabbitmq.probe()`. */
  static async create(options: RabbitMqProbeOptions = {}): Promise<RabbitMqProbe> {
    const amqp = await loadAmqpClient();
    const endpoint = await resolveEndpoint('rabbitmq', options);
    let connection: ChannelModel;
    try {
      // Nagle plus delayed ACKs would add ~40 ms to every confirmed publish.
      connection = await amqp.connect(endpoint.url, {
        timeout: options.connectTimeoutMs ?? 1000,
        noDelay: true,
      });
    } catch (cause) {
      await endpoint.stop?.();
      throw new BrokerOperationError(
        'rabbitmq',
        'open an AMQP connection',
        endpoint.redacted,
        cause,
        'Check the URL, the credentials and the virtual host',
      );
    }
    const channel = await connection.createConfirmChannel();
    // The observers consume with automatic acknowledgement: an observed message is done as it is
    // sent, so no ack frame (a socket write each) competes with the code under test's traffic.
    const reader = await connection.createChannel();
    return new RabbitMqProbe(connection, channel, reader, endpoint, options);
  }

  /** The server's product and version, from the AMQP handshake. */
  get serverVersion(): string | undefined {
    const props = this.connection.connection.serverProperties as { version?: string };
    return props.version;
  }

  /** Declares an isolated queue (with its DLX and DLQ when asked); deleted on dispose. */
  async queue(name: string, options: RabbitMqQueueOptions = {}): Promise<RabbitMqQueue> {
    const full = isolatedName(this.prefix, name, 255);
    const args: Record<string, unknown> = { ...(options.arguments ?? {}) };
    if (options.messageTtlMs !== undefined) args['x-message-ttl'] = options.messageTtlMs;
    if (options.maxLength !== undefined) args['x-max-length'] = options.maxLength;
    let deadLetter: RabbitMqQueue | undefined;
    try {
      if (options.deadLetter) {
        const dlx = `${full}.dlx`;
        await this.channel.assertExchange(dlx, 'fanout', { durable: false, autoDelete: false });
        this.exchanges.push(dlx);
        await this.channel.assertQueue(`${full}.dlq`, { durable: false });
        await this.channel.bindQueue(`${full}.dlq`, dlx, '');
        deadLetter = {
          kind: 'queue',
          name: `${full}.dlq`,
          logicalName: `${name}.dlq`,
          deadLetter: undefined,
        };
        this.queues.push(deadLetter);
        args['x-dead-letter-exchange'] = dlx;
      }
      await this.channel.assertQueue(full, { durable: false, arguments: args });
    } catch (cause) {
      throw new BrokerOperationError(
        'rabbitmq',
        `declare queue ${JSON.stringify(full)}`,
        this.url,
        cause,
        'Check the arguments are valid for this RabbitMQ version',
      );
    }
    const queue: RabbitMqQueue = { kind: 'queue', name: full, logicalName: name, deadLetter };
    this.queues.push(queue);
    for (const binding of options.bindings ?? [])
      await this.bind(queue, binding.exchange, binding.routingKey ?? '');
    return queue;
  }

  /** Declares an isolated exchange and a private tap queue that sees everything it routes. */
  async exchange(name: string, options: { type?: RabbitMqExchangeType } = {}): Promise<RabbitMqExchange> {
    const type = options.type ?? 'topic';
    const full = isolatedName(this.prefix, name, 255);
    try {
      await this.channel.assertExchange(full, type, { durable: false, autoDelete: false });
      this.exchanges.push(full);
      // A tap bound at declaration sees messages published before the first expect().
      if (type !== 'direct') {
        const tap = `${full}.tap`;
        await this.channel.assertQueue(tap, { durable: false });
        this.queues.push({ kind: 'queue', name: tap, logicalName: `${name}.tap`, deadLetter: undefined });
        await this.channel.bindQueue(
          tap,
          full,
          type === 'topic' ? '#' : '',
          type === 'headers' ? { 'x-match': 'any' } : undefined,
        );
        this.taps.set(full, tap);
      }
    } catch (cause) {
      throw new BrokerOperationError(
        'rabbitmq',
        `declare exchange ${JSON.stringify(full)}`,
        this.url,
        cause,
        'Check the exchange type',
      );
    }
    return { kind: 'exchange', name: full, logicalName: name, type };
  }

  /** Binds a queue to an exchange with a routing key (or pattern). */
  async bind(
    queue: RabbitMqQueue,
    exchange: RabbitMqExchange,
    routingKey = '',
    args?: Record<string, unknown>,
  ): Promise<void> {
    await this.channel.bindQueue(queue.name, exchange.name, routingKey, args);
  }

  publish<Input>(
    destination: RabbitMqDestination,
    event: EventType<string, unknown, Input>,
    payload: Input,
    options?: { key?: string; headers?: Headers },
  ): Promise<void>;
  publish(destination: RabbitMqDestination, message: RawMessage): Promise<void>;
  publish(destination: RabbitMqDestination, ...args: unknown[]): Promise<void> {
    // One promise, settled by the confirm itself: no async wrapper whose extra turns of the microtask
    // queue would delay the caller's next publish. A bad payload thrown here rejects it as before.
    return new Promise<void>((resolve, reject) => {
      const message = outgoing(args);
      const content = Buffer.from(message.value);
      const options = {
        headers: message.headers,
        contentType: message.headers['content-type'],
        persistent: false,
      };
      const fail = (cause: unknown) =>
        reject(
          new BrokerOperationError(
            'rabbitmq',
            `publish to ${JSON.stringify(destination.name)}`,
            this.url,
            cause,
            'Check the broker is up and the destination exists',
          ),
        );
      const done = (error: unknown) =>
        error
          ? fail(error instanceof Error ? error : new Error('the broker did not confirm the publish'))
          : resolve();
      try {
        if (destination.kind === 'queue') this.channel.sendToQueue(destination.name, content, options, done);
        else this.channel.publish(destination.name, message.key ?? '', content, options, done);
      } catch (cause) {
        // amqplib throws at once when the channel is already closed.
        fail(cause);
      }
    });
  }

  expect(destination: RabbitMqDestination): DestinationExpectation {
    const queue = destination.kind === 'queue' ? destination.name : this.taps.get(destination.name);
    if (queue === undefined)
      throw new BrokerOperationError(
        'rabbitmq',
        `observe exchange ${JSON.stringify(destination.name)}`,
        this.url,
        new Error('a direct exchange routes by exact key, so no tap queue can see everything'),
        'Bind a probe queue with the key you expect and call expect(queue)',
      );
    let observer = this.observers.get(queue);
    if (observer === undefined) {
      observer = { inbox: new Inbox(destination.name), queue };
      this.observers.set(queue, observer);
    }
    const o = observer;
    const observation: Observation = {
      broker: 'rabbitmq',
      inbox: o.inbox,
      start: () => (o.started ??= this.startObserver(o)),
      caughtUp: (timeoutMs) => this.caughtUp(o.queue, timeoutMs),
    };
    return destinationExpectation(observation);
  }

  /** Ready, unacknowledged and consumer counts of every queue the probe declared. */
  async counts(): Promise<RabbitMqQueueCounts[]> {
    const management = await this.managementCounts();
    return Promise.all(
      this.queues.map(async (q) => {
        const ok = await this.channel.checkQueue(q.name);
        return {
          queue: q.name,
          ready: ok.messageCount,
          unacknowledged: management?.get(q.name),
          consumers: ok.consumerCount,
        };
      }),
    );
  }

  /**
   * Resolves when every queue the probe declared has 0 ready and 0 unacknowledged messages. Ready
   * counts are real time; unacknowledged counts come from the management API, which samples every
   * `collect_statistics_interval` (5 s by default).
   */
  async settled(options: SettleOptions = {}): Promise<void> {
    await settleOnFacts({
      broker: 'rabbitmq',
      url: this.url,
      timeoutMs: options.timeoutMs ?? 10_000,
      pollMs: RABBITMQ_DEFAULTS.pollMs,
      hint: 'A consumer is stuck, not acknowledging, or missing',
      outstanding: async () => {
        const busy = (await this.counts()).filter((c) => c.ready > 0 || (c.unacknowledged ?? 0) > 0);
        if (busy.length === 0) return undefined;
        return busy
          .map((c) => `${c.queue} has ${c.ready} ready, ${c.unacknowledged ?? '?'} unacknowledged`)
          .join('; ');
      },
    });
  }

  async dispose(): Promise<void> {
    this.disposing ??= this.disposeOnce();
    return this.disposing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private async disposeOnce(): Promise<void> {
    await Promise.allSettled([...this.observers.values()].map((o) => o.started ?? Promise.resolve()));
    await this.reader.close().catch(() => undefined);
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
    // A fresh connection: the probe's own may have died mid-test (a fault proxy, a broker restart),
    // and what it declared must still go.
    await this.deleteDeclared().catch(() => undefined);
    await this.endpoint.stop?.();
  }

  private async deleteDeclared(): Promise<void> {
    if (this.queues.length === 0 && this.exchanges.length === 0) return;
    const amqp = await loadAmqpClient();
    const connection = await amqp.connect(this.endpoint.url, {
      timeout: this.options.connectTimeoutMs ?? 1000,
      noDelay: true,
    });
    connection.on('error', () => undefined);
    try {
      // One channel per delete: a failed delete closes its channel, and must not stop the others.
      const settle = async (action: (channel: Channel) => Promise<unknown>) => {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await action(channel).catch(() => undefined);
        await channel.close().catch(() => undefined);
      };
      await Promise.all([
        ...this.queues.map((q) => settle((c) => c.deleteQueue(q.name))),
        ...this.exchanges.map((e) => settle((c) => c.deleteExchange(e))),
      ]);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  private async startObserver(o: Observer): Promise<void> {
    await this.reader.consume(
      o.queue,
      (message: ConsumeMessage | null) => {
        if (message === null) {
          o.inbox.problem(`the queue ${o.queue} was deleted or the consumer cancelled`);
          return;
        }
        const raw = (message.properties.headers ?? {}) as Record<string, unknown>;
        o.inbox.add(
          new Uint8Array(message.content),
          normaliseHeaders(raw),
          message.fields.routingKey || undefined,
          {
            exchange: message.fields.exchange,
            routingKey: message.fields.routingKey,
            redelivered: message.fields.redelivered,
            deliveryTag: message.fields.deliveryTag,
            xDeath: raw['x-death'],
            messageId: message.properties.messageId as unknown,
          },
        );
      },
      { noAck: true },
    );
  }

  private async caughtUp(queue: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ok = await this.channel.checkQueue(queue).catch(() => undefined);
      if (ok !== undefined && ok.messageCount === 0) return;
      await pause(RABBITMQ_DEFAULTS.pollMs);
    }
  }

  private managementBase(): { url: string; auth: string } | undefined {
    if (this.options.managementUrl === false) return undefined;
    const amqp = new URL(this.endpoint.url);
    const base = this.options.managementUrl ?? `http://${amqp.hostname}:${RABBITMQ_DEFAULTS.managementPort}`;
    const user = decodeURIComponent(amqp.username || 'guest');
    const pass = decodeURIComponent(amqp.password || 'guest');
    return {
      url: base.replace(/\/$/, ''),
      auth: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
    };
  }

  private async managementCounts(): Promise<Map<string, number> | undefined> {
    const base = this.managementBase();
    if (base === undefined) return undefined;
    const vhost = encodeURIComponent(decodeURIComponent(new URL(this.endpoint.url).pathname.slice(1)) || '/');
    try {
      const response = await fetch(`${base.url}/api/queues/${vhost}?columns=name,messages_unacknowledged`, {
        headers: { authorization: base.auth },
        signal: AbortSignal.timeout(1000),
      });
      if (!response.ok) return undefined;
      const rows = (await response.json()) as { name: string; messages_unacknowledged?: number }[];
      return new Map(
        rows
          .filter((r) => r.name.startsWith(this.prefix))
          .map((r) => [r.name, r.messages_unacknowledged ?? 0]),
      );
    } catch {
      return undefined;
    }
  }
}
