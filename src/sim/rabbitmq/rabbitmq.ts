import { EventproofError, failure } from '../../errors.js';
import type { BrokerCapabilities } from '../capabilities.js';
import type { Task } from '../scheduler.js';
import type { MessageFate } from '../ledger.js';
import type { TraceKind } from '../trace.js';
import type { Simulation } from '../world.js';
import { SimChannel, SimConfirmChannel } from './channel.js';
import { deadLetteredProperties, isDeadLetterCycle } from './dead-letter.js';
import {
  amqpReason,
  checkExchangeEquivalent,
  checkName,
  checkQueueEquivalent,
  exchangeConfig,
  queueConfig,
  validateModelOptions,
  type ExchangeConfig,
  type SimRabbitMqOptions,
} from './options.js';
import { headersOf, materialise, type StoredProperties } from './properties.js';
import { UnackedWindow } from './unacked.js';
import { QueuedMessage, SimQueue, type ChannelState, type Consumer } from './queue.js';
import {
  compileHeaders,
  compileTopic,
  headersMatch,
  topicMatches,
  words,
  type HeadersBinding,
} from './routing.js';
import type {
  AssertExchangeOptions,
  AssertQueueOptions,
  AssertQueueReply,
  RabbitDeadLetterReason,
  RabbitHandlerFailure,
  AmqpProperties,
  RabbitQueueStats,
  SimAmqpMessage,
  SimGetMessage,
} from './types.js';

/**
 * What the RabbitMQ model (and RabbitMQ) guarantees, for scenarios that adapt instead of branching
 * on the broker's name.
 *
 * @example
 * ```ts
 * if (!rabbitMqCapabilities.perKeyOrder) expectConvergent(...); // order is per queue only
 * ```
 */
export const rabbitMqCapabilities: BrokerCapabilities = {
  broker: 'rabbitmq',
  // Order holds per queue with one consumer; there is no key-based ordering across consumers.
  perKeyOrder: false,
  nativeDeadLetter: true,
  // A redelivered flag on classic queues, a delivery count on quorum queues.
  redeliveryCount: true,
  replay: false,
  deduplication: false,
  expiry: true,
};

interface Binding {
  readonly destination: SimQueue | Exchange;
  readonly key: string;
  readonly args: Record<string, unknown> | undefined;
  readonly topic: readonly string[] | undefined;
  readonly headers: HeadersBinding | undefined;
}

class Exchange {
  readonly bindings: Binding[] = [];
  /** Matched destinations per routing key (direct and topic): routing the same key twice is a lookup. */
  cache: Map<string, (SimQueue | Exchange)[]> | undefined;
  constructor(
    readonly name: string,
    readonly config: ExchangeConfig,
  ) {}
}

const CACHE_LIMIT = 10_000;
const EMPTY: readonly SimQueue[] = [];

/**
 * A RabbitMQ broker inside a simulation: exchanges, bindings, queues, consumers with prefetch,
 * acks and requeues, dead-lettering, TTL, length limits and quorum delivery limits — with
 * amqplib-shaped channels, so code written for amqplib runs on it. Create it with {@link simRabbitMq}.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const rabbit = simRabbitMq(sim);
 * const channel = await rabbit.createChannel();
 * await channel.assertQueue('orders');
 * channel.sendToQueue('orders', Buffer.from('hello'));
 * await channel.consume('orders', (msg) => msg && channel.ack(msg));
 * await sim.runUntilIdle();
 * rabbit.queueStats('orders'); // { ready: 0, unacked: 0, consumers: 1 }
 * ```
 */
export class SimRabbitMq {
  /** Handlers that threw or rejected: recorded here and in the trace, never thrown into the world. */
  readonly handlerFailures: RabbitHandlerFailure[] = [];
  private readonly exchanges = new Map<string, Exchange>();
  private readonly queues = new Map<string, SimQueue>();
  private readonly options: Required<SimRabbitMqOptions>;
  private readonly tracing: boolean;
  private exchangeBindings = 0;
  private seq = 0;
  private names = 0;
  private channels = 0;
  private tags = 0;
  /** Queues that may have something to deliver; the dispatcher filters it every delivery. */
  private listed: SimQueue[] = [];
  private dispatchTask: Task | undefined;
  private readonly dispatch = (): void => this.runDispatch();
  private readonly globalFull = (channel: ChannelState): boolean =>
    channel.globalPrefetch > 0 && channel.unacked.size >= channel.globalPrefetch;

  constructor(
    readonly sim: Simulation,
    options: SimRabbitMqOptions = {},
  ) {
    this.options = validateModelOptions(options);
    // The trace keeps its switch private; reading it once lets the hot path skip building events.
    this.tracing = sim.trace.enabled;
    const predeclared: [string, string][] = [
      ['', 'direct'],
      ['amq.direct', 'direct'],
      ['amq.topic', 'topic'],
      ['amq.fanout', 'fanout'],
      ['amq.headers', 'headers'],
      ['amq.match', 'headers'],
    ];
    for (const [name, type] of predeclared)
      this.exchanges.set(name, new Exchange(name, exchangeConfig(name, type, {})));
  }

  /**
   * Opens a channel, as amqplib's `connection.createChannel()`.
   *
   * @example
   * ```ts
   * const channel = await rabbit.createChannel();
   * ```
   */
  createChannel(): Promise<SimChannel> {
    return Promise.resolve(new SimChannel(this, this.newChannelState()));
  }

  /**
   * Opens a channel in confirm mode: `publish` takes a callback, `waitForConfirms()` resolves when
   * the broker has taken every message so far and rejects if it refused one (`reject-publish`).
   *
   * @example
   * ```ts
   * const channel = await rabbit.createConfirmChannel();
   * channel.publish('orders', 'order.created', body, {}, (err) => { if (err) retryLater(); });
   * await channel.waitForConfirms();
   * ```
   */
  createConfirmChannel(): Promise<SimConfirmChannel> {
    return Promise.resolve(new SimConfirmChannel(this, this.newChannelState()));
  }

  /**
   * An amqplib-shaped connection, for code that takes one: `createChannel`, `createConfirmChannel`
   * and `close` (which closes its channels and requeues their unacked messages).
   *
   * @example
   * ```ts
   * const connection = await rabbit.connect();
   * const channel = await connection.createChannel();
   * ```
   */
  connect(_url?: string): Promise<SimRabbitMqConnection> {
    return Promise.resolve(new SimRabbitMqConnection(this));
  }

  /**
   * Ready, unacked and consumer counts of a queue: what a test settles on ("unacked 0").
   *
   * @example
   * ```ts
   * expect(rabbit.queueStats('orders.dlq')).toEqual({ ready: 1, unacked: 0, consumers: 0 });
   * ```
   */
  queueStats(name: string): RabbitQueueStats {
    const q = this.queues.get(name);
    if (!q) throw unknownQueue(`read the stats of queue '${name}'`, name);
    if (q.expires) this.expireHead(q, false);
    return { ready: q.ready, unacked: q.unacked, consumers: q.consumers.length };
  }

  /**
   * The ready messages of a queue, oldest first, without consuming them (like the management UI's
   * "get messages" with requeue).
   *
   * @example
   * ```ts
   * const dead = rabbit.peek('orders.dlq').map((m) => m.properties.headers['x-first-death-reason']);
   * ```
   */
  peek(name: string): {
    content: Buffer;
    properties: AmqpProperties;
    routingKey: string;
    exchange: string;
    redelivered: boolean;
  }[] {
    const q = this.queues.get(name);
    if (!q) throw unknownQueue(`peek into queue '${name}'`, name);
    if (q.expires) this.expireHead(q, false);
    const out = [];
    const all = q.drain();
    for (const m of all) {
      q.push(m);
      out.push({
        content: m.content,
        properties: materialise(m.properties),
        routingKey: m.routingKey,
        exchange: m.exchange,
        redelivered: m.redelivered,
      });
    }
    return out;
  }

  /** Names of the declared queues. */
  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  // ----- topology (called by channels) -----

  /** @internal */
  assertExchange(name: string, type: string, options: AssertExchangeOptions): { exchange: string } {
    checkName('exchange', name, !this.exchanges.has(name));
    if (name === '')
      throw configError403(
        `declare the default exchange`,
        'ACCESS_REFUSED - operation not permitted on the default exchange',
      );
    const config = exchangeConfig(name, type, options);
    const existing = this.exchanges.get(name);
    if (existing) checkExchangeEquivalent(name, existing.config, config);
    else this.exchanges.set(name, new Exchange(name, config));
    return { exchange: name };
  }

  /** @internal */
  checkExchange(name: string): { exchange: string } {
    this.exchange(name, `check exchange '${name}'`);
    return { exchange: name };
  }

  /** @internal */
  deleteExchange(name: string): void {
    if (name === '' || name.startsWith('amq.'))
      throw configError403(`delete exchange '${name}'`, `ACCESS_REFUSED - exchange '${name}' is predeclared`);
    const ex = this.exchanges.get(name);
    if (!ex) return;
    this.exchanges.delete(name);
    for (const other of this.exchanges.values()) {
      const before = other.bindings.length;
      for (let i = other.bindings.length - 1; i >= 0; i--)
        if (other.bindings[i]!.destination === ex) other.bindings.splice(i, 1);
      if (other.bindings.length !== before) this.bindingsChanged(other, -(before - other.bindings.length));
    }
    this.exchangeBindings -= ex.bindings.filter((b) => b.destination instanceof Exchange).length;
  }

  /** @internal */
  assertQueue(name: string, options: AssertQueueOptions): AssertQueueReply {
    const queueName = name === '' ? `amq.gen-${String(++this.names).padStart(6, '0')}` : name;
    checkName('queue', queueName, name !== '' && !this.queues.has(name));
    const config = queueConfig(queueName, options, this.options.quorumDeliveryLimit);
    const existing = this.queues.get(queueName);
    if (existing) {
      checkQueueEquivalent(queueName, existing.config, config);
      if (existing.expires) this.expireHead(existing, false);
      return { queue: queueName, messageCount: existing.ready, consumerCount: existing.consumers.length };
    }
    // The default exchange finds queues by name, so a new queue needs no binding.
    this.queues.set(queueName, new SimQueue(queueName, config));
    return { queue: queueName, messageCount: 0, consumerCount: 0 };
  }

  /** @internal */
  checkQueue(name: string): AssertQueueReply {
    const q = this.queue(name, `check queue '${name}'`);
    if (q.expires) this.expireHead(q, false);
    return { queue: name, messageCount: q.ready, consumerCount: q.consumers.length };
  }

  /** @internal */
  deleteQueue(name: string, options: { ifUnused?: boolean; ifEmpty?: boolean }): { messageCount: number } {
    const q = this.queues.get(name);
    if (!q) return { messageCount: 0 };
    if (options.ifUnused && q.consumers.length > 0)
      throw configError406(
        `delete queue '${name}'`,
        `PRECONDITION_FAILED - queue '${name}' in vhost '/' in use`,
      );
    if (options.ifEmpty && q.ready > 0)
      throw configError406(
        `delete queue '${name}'`,
        `PRECONDITION_FAILED - queue '${name}' in vhost '/' is not empty`,
      );
    return { messageCount: this.removeQueue(q, 'queue deleted') };
  }

  /** @internal */
  purgeQueue(name: string): { messageCount: number } {
    const q = this.queue(name, `purge queue '${name}'`);
    const purged = q.drain();
    for (const m of purged) this.discard(m, 'purged');
    if (q.expiry) this.sim.cancel(q.expiry);
    q.expiry = undefined;
    return { messageCount: purged.length };
  }

  /** @internal */
  bind(
    destination: string,
    source: string,
    pattern: string,
    args: Record<string, unknown> | undefined,
    toExchange: boolean,
  ): void {
    const action = toExchange
      ? `bind exchange '${destination}' to '${source}'`
      : `bind queue '${destination}' to exchange '${source}'`;
    const ex = this.exchange(source, action);
    if (source === '')
      throw configError403(action, 'ACCESS_REFUSED - operation not permitted on the default exchange');
    const target = toExchange ? this.exchange(destination, action) : this.queue(destination, action);
    if (typeof pattern !== 'string')
      throw configError406(action, `the binding key must be a string, got ${typeof pattern}`);
    const topic =
      ex.config.type === 'topic' ? compileTopic(pattern, this.options.allowLiteralWildcards) : undefined;
    const headers = ex.config.type === 'headers' ? compileHeaders(args) : undefined;
    const duplicate = ex.bindings.some(
      (b) => b.destination === target && b.key === pattern && sameArgs(b.args, args),
    );
    if (duplicate) return;
    ex.bindings.push({ destination: target, key: pattern, args, topic, headers });
    this.bindingsChanged(ex, toExchange ? 1 : 0);
  }

  /** @internal */
  unbind(
    destination: string,
    source: string,
    pattern: string,
    args: Record<string, unknown> | undefined,
    toExchange: boolean,
  ): void {
    const action = toExchange
      ? `unbind exchange '${destination}' from '${source}'`
      : `unbind queue '${destination}' from exchange '${source}'`;
    const ex = this.exchange(source, action);
    const target = toExchange ? this.exchange(destination, action) : this.queue(destination, action);
    const index = ex.bindings.findIndex(
      (b) => b.destination === target && b.key === pattern && sameArgs(b.args, args),
    );
    if (index < 0) return;
    ex.bindings.splice(index, 1);
    this.bindingsChanged(ex, toExchange ? -1 : 0);
  }

  // ----- publishing -----

  /**
   * Routes one published message and stores a copy in each queue it reaches. Returns whether every
   * queue took it (false when a `reject-publish` queue was full: a confirm channel gets a nack).
   * @internal
   */
  publish(
    channel: ChannelState,
    exchangeName: string,
    routingKey: string,
    content: Buffer,
    properties: StoredProperties,
    ttl: number | undefined,
    mandatory: boolean,
    onReturn: ((properties: AmqpProperties) => void) | undefined,
  ): boolean {
    const ex = this.exchanges.get(exchangeName);
    if (!ex) throw unknownExchange(channel, exchangeName);
    if (ex.config.internal)
      throw configError403(
        `publish to exchange '${exchangeName}'`,
        `ACCESS_REFUSED - cannot publish to internal exchange '${exchangeName}' in vhost '/'`,
      );
    const targets = this.route(ex, routingKey, headersOf(properties));
    if (targets.length === 0) {
      const id = this.sim.ledger.open('rabbitmq', exchangeName);
      this.sim.ledger.set(id, 'rejected-by-broker');
      if (this.tracing)
        this.trace(
          'drop',
          where(exchangeName),
          id,
          routingKey,
          mandatory
            ? 'unroutable: returned to the publisher (mandatory)'
            : 'unroutable: no queue bound for this key, dropped',
        );
      if (mandatory && onReturn)
        this.sim.schedule(0, 'rabbitmq:return', () => onReturn(materialise(properties)));
      return true;
    }
    let accepted = true;
    for (let i = 0; i < targets.length; i++) {
      if (!this.enqueue(targets[i]!, content, properties, exchangeName, routingKey, ttl)) accepted = false;
    }
    return accepted;
  }

  /** Records a publish that never reached the broker (an outage), so the ledger still accounts for it. @internal */
  lostInOutage(exchange: string, routingKey: string, detail: string): void {
    const id = this.sim.ledger.open('rabbitmq', exchange);
    this.sim.ledger.set(id, 'rejected-by-broker');
    if (this.tracing) this.trace('fault', where(exchange), id, routingKey, detail);
  }

  /** @internal */
  unavailableUntil(target: string): number | undefined {
    if (this.sim.faults.active.length === 0) return undefined;
    return this.sim.faults.unavailableUntil('rabbitmq', target, this.sim.now());
  }

  private route(ex: Exchange, key: string, headers: Readonly<Record<string, unknown>>): readonly SimQueue[] {
    let found = this.matchCached(ex, key, headers);
    if (this.exchangeBindings > 0 && found.some((d) => d instanceof Exchange))
      found = this.expand(found, key, headers);
    let seen: Set<Exchange> | undefined;
    let current = ex;
    // Unroutable here: try the alternate exchange, and its alternate, never looping.
    while (found.length === 0 && current.config.alternateExchange !== undefined) {
      seen ??= new Set([ex]);
      const alternate = this.exchanges.get(current.config.alternateExchange);
      if (!alternate || seen.has(alternate)) break;
      seen.add(alternate);
      current = alternate;
      found = this.expand(this.matchCached(alternate, key, headers), key, headers);
    }
    return found as readonly SimQueue[];
  }

  /** Follows exchange-to-exchange bindings; a queue reached twice gets one copy. */
  private expand(
    found: readonly (SimQueue | Exchange)[],
    key: string,
    headers: Record<string, unknown>,
  ): (SimQueue | Exchange)[] {
    const out: SimQueue[] = [];
    const seen = new Set<Exchange>();
    const visit = (list: readonly (SimQueue | Exchange)[]) => {
      for (const d of list) {
        if (d instanceof Exchange) {
          if (seen.has(d)) continue;
          seen.add(d);
          visit(this.matchCached(d, key, headers));
        } else if (!out.includes(d)) out.push(d);
      }
    };
    visit(found);
    return out;
  }

  private matchCached(
    ex: Exchange,
    key: string,
    headers: Record<string, unknown>,
  ): readonly (SimQueue | Exchange)[] {
    const type = ex.config.type;
    if (ex.name === '') {
      const q = this.queues.get(key);
      return q ? [q] : EMPTY;
    }
    if (type === 'fanout') return this.fanout(ex);
    if (type === 'headers') {
      const out: (SimQueue | Exchange)[] = [];
      for (const b of ex.bindings)
        if (headersMatch(b.headers!, headers) && !out.includes(b.destination)) out.push(b.destination);
      return out;
    }
    let cached = ex.cache?.get(key);
    if (cached) return cached;
    cached = [];
    const keyWords = type === 'topic' ? words(key) : undefined;
    for (const b of ex.bindings) {
      const hit = keyWords ? topicMatches(b.topic!, keyWords) : b.key === key;
      if (hit && !cached.includes(b.destination)) cached.push(b.destination);
    }
    ex.cache ??= new Map();
    if (ex.cache.size >= CACHE_LIMIT) ex.cache.clear();
    ex.cache.set(key, cached);
    return cached;
  }

  private fanout(ex: Exchange): readonly (SimQueue | Exchange)[] {
    let all = ex.cache?.get('');
    if (all) return all;
    all = [];
    for (const b of ex.bindings) if (!all.includes(b.destination)) all.push(b.destination);
    (ex.cache ??= new Map()).set('', all);
    return all;
  }

  private bindingsChanged(ex: Exchange, exchangeBindingDelta: number): void {
    ex.cache?.clear();
    this.exchangeBindings += exchangeBindingDelta;
  }

  /** Stores one copy in `q`, applying TTL and the length limit. False when the queue refused it. */
  private enqueue(
    q: SimQueue,
    content: Buffer,
    properties: StoredProperties,
    exchange: string,
    routingKey: string,
    ttl: number | undefined,
  ): boolean {
    const sim = this.sim;
    const queueTtl = q.config.messageTtl;
    const lowest = queueTtl === undefined ? ttl : ttl === undefined ? queueTtl : Math.min(ttl, queueTtl);
    const message = sim.ledger.add(
      new QueuedMessage(
        q,
        content,
        properties,
        exchange,
        routingKey,
        this.seq++,
        lowest === undefined ? Number.POSITIVE_INFINITY : sim.now() + lowest,
      ),
    );
    if (lowest !== undefined) q.expires = true;
    const { maxLength, maxLengthBytes, overflow } = q.config;
    if (maxLength !== undefined || maxLengthBytes !== undefined) {
      const full = (extra: number, bytes: number) =>
        (maxLength !== undefined && q.ready + extra > maxLength) ||
        (maxLengthBytes !== undefined && q.readyBytes + bytes > maxLengthBytes);
      if (overflow !== 'drop-head' && full(1, message.size)) {
        if (this.tracing)
          this.trace(
            'publish',
            `${where(exchange)} → ${q.name}`,
            message.id,
            routingKey,
            `refused: queue full (x-overflow ${overflow})`,
          );
        if (overflow === 'reject-publish-dlx') this.deadLetter(message, 'maxlen');
        else {
          setFate(message, 'rejected-by-broker');
          if (this.tracing)
            this.trace(
              'drop',
              q.name,
              message.id,
              routingKey,
              'x-overflow reject-publish: the publisher gets a nack',
            );
        }
        return false;
      }
      q.push(message);
      if (this.tracing)
        this.trace('publish', `${where(exchange)} → ${q.name}`, message.id, routingKey, describe(properties));
      while (full(0, 0)) this.deadLetter(q.shift()!, 'maxlen');
    } else {
      q.push(message);
      if (this.tracing)
        this.trace('publish', `${where(exchange)} → ${q.name}`, message.id, routingKey, describe(properties));
    }
    this.touch(q);
    return true;
  }

  // ----- consuming -----

  /** @internal */
  consume(
    channel: ChannelState,
    queueName: string,
    onMessage: (message: SimAmqpMessage | null) => unknown,
    options: { noAck?: boolean; consumerTag?: string; exclusive?: boolean },
  ): { consumerTag: string } {
    const q = this.queue(queueName, `consume from queue '${queueName}'`);
    if (typeof onMessage !== 'function')
      throw configError406(`consume from queue '${queueName}'`, 'the message callback is not a function');
    const tag = options.consumerTag ?? `amq.ctag-${String(++this.tags).padStart(6, '0')}`;
    if (channel.consumers.has(tag))
      throw configError406(
        `consume from queue '${queueName}'`,
        `NOT_ALLOWED - attempt to reuse consumer tag '${tag}'`,
      );
    if (q.consumers.some((c) => c.exclusive))
      throw configError403(
        `consume from queue '${queueName}'`,
        `ACCESS_REFUSED - queue '${queueName}' in vhost '/' in exclusive use`,
      );
    if (options.exclusive && q.consumers.length > 0)
      throw configError403(
        `consume from queue '${queueName}'`,
        `ACCESS_REFUSED - queue '${queueName}' in vhost '/' in exclusive use`,
      );
    const consumer: Consumer = {
      tag,
      queue: q,
      holder: channel,
      onMessage,
      noAck: options.noAck ?? false,
      prefetch: options.noAck ? 0 : channel.prefetch,
      unacked: 0,
      label: `rabbitmq consumer ${tag} on ${queueName}`,
      exclusive: options.exclusive ?? false,
    };
    q.consumers.push(consumer);
    channel.consumers.set(tag, consumer);
    this.touch(q);
    return { consumerTag: tag };
  }

  /** @internal */
  cancel(channel: ChannelState, tag: string): { consumerTag: string } {
    const consumer = channel.consumers.get(tag);
    if (consumer) this.removeConsumer(channel, consumer);
    return { consumerTag: tag };
  }

  private removeConsumer(channel: ChannelState, consumer: Consumer): void {
    channel.consumers.delete(consumer.tag);
    const q = consumer.queue;
    const index = q.consumers.indexOf(consumer);
    if (index >= 0) {
      q.consumers.splice(index, 1);
      if (q.rr > index) q.rr--;
      if (q.rr >= q.consumers.length) q.rr = 0;
    }
    if (q.config.autoDelete && q.consumers.length === 0 && !q.deleted)
      this.removeQueue(q, 'auto-delete queue lost its last consumer');
  }

  /** basic.get: one message or false, outside prefetch. @internal */
  get(channel: ChannelState, queueName: string, noAck: boolean): SimGetMessage | false {
    const q = this.queue(queueName, `get from queue '${queueName}'`);
    if (q.expires) this.expireHead(q, true);
    const m = q.shift();
    if (!m) return false;
    if (q.expires) this.armExpiry(q);
    const tag = ++channel.lastTag;
    delivered(m);
    const message: SimGetMessage = {
      content: m.content,
      fields: {
        deliveryTag: tag,
        redelivered: m.redelivered,
        exchange: m.exchange,
        routingKey: m.routingKey,
        messageCount: q.ready,
      },
      properties: this.deliveredProperties(m),
    };
    if (this.tracing)
      this.trace(
        m.redelivered ? 'redeliver' : 'deliver',
        q.name,
        m.id,
        m.routingKey,
        `basic.get${noAck ? ' (no-ack)' : ''}`,
      );
    if (noAck) setFate(m, 'acked');
    else this.hold(channel, undefined, m, tag);
    return message;
  }

  // ----- settling (called by channels) -----

  /** @internal */
  ack(channel: ChannelState, tag: number, allUpTo: boolean): void {
    // The short path: an ack of the lone unacked delivery's tag, no fault active, trace off (with
    // allUpTo too: it settles that one delivery either way). A delivery run's handler inlines it
    // (see callHandler), so its size counts against V8's inlining budget.
    const m =
      this.tracing === false && this.sim.faults.active.length === 0
        ? channel.unacked.takeOnly(tag)
        : undefined;
    if (m === undefined) return this.ackOther(channel, tag, allUpTo);
    this.released(channel, m.queue, channel.unacked.takenConsumer);
    setFate(m, 'acked');
  }

  /** Every other ack: the short path found nothing and changed nothing. */
  private ackOther(channel: ChannelState, tag: number, allUpTo: boolean): void {
    const single = allUpTo ? undefined : channel.unacked.get(tag);
    if (single !== undefined) return this.ackOne(channel, single);
    this.ackMany(channel, tag, allUpTo);
  }

  // The rare cases live in their own methods: the common path stays small enough for V8 to inline
  // into a delivery run, and a message that does not escape the run is then never allocated.
  // On the paths a run inlines, booleans and optional objects are compared explicitly (`=== true`,
  // `!== undefined`): V8 does not know a field's value is a boolean, and a bare `if (x)` compiles to
  // the whole ToBoolean ladder (undefined, null, document.all, 0, 0n, '') on every delivery.
  private ackMany(channel: ChannelState, tag: number, allUpTo: boolean): void {
    for (const m of this.take(channel, tag, allUpTo, 'ack')) this.ackOne(channel, m);
  }

  private ackOne(channel: ChannelState, m: QueuedMessage): void {
    if (this.sim.faults.active.length > 0 && this.ackFault(channel, m)) return;
    if (this.tracing === true) return this.ackTraced(channel, m);
    this.release(channel, m);
    setFate(m, 'acked');
  }

  private ackTraced(channel: ChannelState, m: QueuedMessage): void {
    const by = channel.unacked.consumerOf(m.tag)?.tag ?? 'basic.get';
    this.release(channel, m);
    setFate(m, 'acked');
    this.trace('ack', m.queue.name, m.id, m.routingKey, `by ${by}`);
  }

  /** nack/reject: requeue (redelivered=true) or dead-letter with reason `rejected`. @internal */
  nack(
    channel: ChannelState,
    tag: number,
    allUpTo: boolean,
    requeue: boolean,
    verb: 'nack' | 'reject',
  ): void {
    for (const m of this.take(channel, tag, allUpTo, verb)) {
      this.release(channel, m);
      if (this.tracing)
        this.trace('nack', m.queue.name, m.id, m.routingKey, `${verb} requeue=${String(requeue)}`);
      // Since RabbitMQ 4.3 a nack with requeue is a return, not a failed delivery.
      if (requeue) this.requeue(m, verb, verb === 'reject');
      else this.deadLetter(m, 'rejected');
    }
  }

  /** ackAll / nackAll / recover. @internal */
  settleAll(channel: ChannelState, outcome: 'ack' | 'requeue' | 'reject'): void {
    const all = channel.unacked.upTo();
    for (const m of all) {
      if (outcome === 'ack') this.ack(channel, m.tag, false);
      else this.nack(channel, m.tag, false, outcome === 'requeue', 'nack');
    }
  }

  /**
   * A channel that closes or crashes: its consumers go, and every unacked message goes back to its
   * queue with redelivered=true. With `keepConsumers` (a crash-before-ack fault) the consumer is
   * taken to reconnect at once: it stays, and late acks of the lost deliveries are ignored.
   * @internal
   */
  closeChannel(channel: ChannelState, reason: string, keepConsumers: boolean): void {
    if (!keepConsumers) {
      channel.closed = reason;
      for (const consumer of [...channel.consumers.values()]) this.removeConsumer(channel, consumer);
    }
    const pending = channel.unacked.upTo();
    for (const m of pending) {
      channel.stale.add(m.tag);
      this.release(channel, m);
      this.requeue(m, reason);
    }
  }

  private take(channel: ChannelState, tag: number, allUpTo: boolean, verb: string): QueuedMessage[] {
    if (!allUpTo) {
      const m = channel.unacked.get(tag);
      if (m) return [m];
      if (channel.stale.has(tag)) {
        if (this.tracing)
          this.trace(
            'drop',
            channel.label,
            undefined,
            undefined,
            `${verb} of delivery tag ${tag} ignored: the delivery was lost when the channel broke`,
          );
        return [];
      }
      const error = configError406(
        `${verb} delivery tag ${tag}`,
        `PRECONDITION_FAILED - unknown delivery tag ${tag}`,
        'A message is settled once: look for a double ack, or an ack on another channel than the one that received it',
      );
      this.closeChannel(channel, error.message, false);
      throw error;
    }
    return channel.unacked.upTo(tag === 0 ? undefined : tag);
  }

  /** Faults at the moment of an ack: the ack is lost (duplicate) or the consumer dies before sending it. */
  private ackFault(channel: ChannelState, m: QueuedMessage): boolean {
    const faults = this.sim.faults;
    if (faults.fires('crash-before-ack', 'rabbitmq', m.queue.name)) {
      if (this.tracing)
        this.trace(
          'fault',
          m.queue.name,
          m.id,
          m.routingKey,
          `crash-before-ack: ${channel.unacked.consumerOf(m.tag)?.tag ?? 'channel'} died before its ack reached the broker; its unacked messages are requeued`,
        );
      this.closeChannel(channel, 'crash-before-ack fault', true);
      return true;
    }
    if (faults.fires('duplicate', 'rabbitmq', m.queue.name)) {
      if (this.tracing)
        this.trace(
          'fault',
          m.queue.name,
          m.id,
          m.routingKey,
          'duplicate: the ack was lost, the message is redelivered',
        );
      channel.stale.add(m.tag);
      this.release(channel, m);
      this.requeue(m, 'lost ack');
      return true;
    }
    return false;
  }

  private hold(channel: ChannelState, consumer: Consumer | undefined, m: QueuedMessage, tag: number): void {
    m.tag = tag;
    channel.unacked.set(tag, m, consumer);
    if (consumer !== undefined) consumer.unacked++;
    m.queue.unacked++;
  }

  private release(channel: ChannelState, m: QueuedMessage): void {
    this.released(channel, m.queue, channel.unacked.delete(m.tag));
  }

  /** What follows taking a delivery out of the unacked window: counters, and touching queues. */
  private released(channel: ChannelState, q: SimQueue, consumer: Consumer | undefined): void {
    q.unacked--;
    if (consumer !== undefined) consumer.unacked--;
    // A freed prefetch slot may let this queue (or, with a global prefetch, another) deliver again.
    // touch() does nothing for a listed queue with a dispatch step coming and no TTL: skipped then.
    if (q.listed === false || this.dispatchTask === undefined || q.expires === true) this.touch(q);
    if (channel.globalPrefetch > 0) this.touchOthers(channel, q);
  }

  /** With a channel-wide prefetch, a freed slot may let the channel's other queues deliver again. */
  private touchOthers(channel: ChannelState, q: SimQueue): void {
    for (const c of channel.consumers.values()) if (c.queue !== q) this.touch(c.queue);
  }

  /**
   * Puts a message back in its queue. `failed`: the return means its processing failed (a reject, a
   * channel that broke, a lost ack), which is all a quorum queue counts with
   * `quorumDeliveryCount: 'failures'` (RabbitMQ 4.3+); before 4.3 every return counts.
   */
  private requeue(m: QueuedMessage, why: string, failed = true): void {
    const q = m.queue;
    m.redelivered = true;
    if (q.deleted) return this.discard(m, 'queue deleted');
    if (
      q.config.deliveryLimit !== undefined &&
      (failed || this.options.quorumDeliveryCount === 'every-return')
    ) {
      m.returns++;
      if (m.returns > q.config.deliveryLimit) return this.deadLetter(m, 'delivery_limit');
    }
    setFate(m, 'queued');
    if (this.sim.faults.active.length > 0 && this.sim.faults.fires('reorder', 'rabbitmq', q.name)) {
      q.push(m);
      if (this.tracing)
        this.trace(
          'requeue',
          q.name,
          m.id,
          m.routingKey,
          `${why}; reorder fault: placed at the tail instead of its original position`,
        );
    } else {
      q.insertBySeq(m);
      if (this.tracing)
        this.trace('requeue', q.name, m.id, m.routingKey, `${why}; back at its original position`);
    }
    this.touch(q);
  }

  // ----- dead-lettering, expiry, deletion -----

  private deadLetter(m: QueuedMessage, reason: RabbitDeadLetterReason): void {
    const q = m.queue;
    const dlx = q.config.deadLetterExchange;
    const sim = this.sim;
    if (dlx === undefined) {
      // Discarded: expired when its TTL passed, else dropped by the broker (no queue holds it).
      setFate(m, reason === 'expired' ? 'expired' : 'rejected-by-broker');
      if (this.tracing)
        this.trace(
          reason === 'expired' ? 'expire' : 'drop',
          q.name,
          m.id,
          m.routingKey,
          `${reason}; no dead-letter exchange, so the message is discarded`,
        );
      return;
    }
    setFate(m, 'dead-lettered');
    const key = q.config.deadLetterRoutingKey ?? m.routingKey;
    if (this.tracing && reason === 'expired')
      this.trace('expire', q.name, m.id, m.routingKey, 'TTL passed at the head of the queue');
    if (this.tracing) this.trace('dead-letter', `${q.name} → ${where(dlx)}`, m.id, key, `reason ${reason}`);
    const ex = this.exchanges.get(dlx);
    if (!ex) {
      setFate(m, 'rejected-by-broker');
      if (this.tracing)
        this.trace(
          'drop',
          q.name,
          m.id,
          key,
          `dead-letter exchange '${dlx}' does not exist, so RabbitMQ drops the message`,
        );
      return;
    }
    const properties = deadLetteredProperties(
      materialise(m.properties),
      q.name,
      reason,
      m.exchange,
      m.routingKey,
      sim.now(),
    );
    let reached = 0;
    for (const target of this.route(ex, key, headersOf(properties))) {
      if (isDeadLetterCycle(properties, target.name)) {
        if (this.tracing)
          this.trace(
            'drop',
            target.name,
            m.id,
            key,
            'dead-letter cycle without a rejection: dropped, as RabbitMQ does',
          );
        continue;
      }
      reached++;
      this.enqueue(target, m.content, properties, dlx, key, undefined);
    }
    if (reached === 0) {
      // Dead-lettered to nowhere: RabbitMQ drops it, and the ledger says so.
      setFate(m, 'rejected-by-broker');
      if (this.tracing)
        this.trace(
          'drop',
          where(dlx),
          m.id,
          key,
          'the dead-letter exchange routed the message to no queue: dropped',
        );
    }
  }

  /**
   * Classic and quorum queues expire messages only at the head: a message whose TTL has passed
   * waits behind a live one and is expired (never delivered) when it reaches the head.
   */
  private expireHead(q: SimQueue, inclusive: boolean): void {
    const now = this.sim.now();
    for (;;) {
      const head = q.peek();
      // A TTL of 0 means "deliver now or expire": the dispatcher delivers at exactly expiresAt, the timer expires.
      const at = head?.expiresAt;
      if (head === undefined || at === undefined || !(at < now || (inclusive && at === now))) break;
      q.shift();
      this.deadLetter(head, 'expired');
    }
    this.armExpiry(q);
  }

  private armExpiry(q: SimQueue): void {
    const head = q.peek();
    const at = head?.expiresAt ?? Number.POSITIVE_INFINITY;
    if (q.expiry && !q.expiry.cancelled && q.expiry.time === at) return;
    if (q.expiry) this.sim.cancel(q.expiry);
    q.expiry = undefined;
    if (at === Number.POSITIVE_INFINITY) return;
    q.expiry = this.sim.schedule(Math.max(0, at - this.sim.now()), 'rabbitmq:expire', () => {
      q.expiry = undefined;
      if (q.deleted) return;
      this.expireHead(q, true);
      this.armExpiry(q);
    });
  }

  private removeQueue(q: SimQueue, why: string): number {
    q.deleted = true;
    this.queues.delete(q.name);
    const dropped = q.drain();
    for (const m of dropped) this.discard(m, why);
    if (q.expiry) this.sim.cancel(q.expiry);
    if (q.wake) this.sim.cancel(q.wake);
    for (const ex of this.exchanges.values()) {
      const before = ex.bindings.length;
      for (let i = ex.bindings.length - 1; i >= 0; i--)
        if (ex.bindings[i]!.destination === q) ex.bindings.splice(i, 1);
      if (ex.bindings.length !== before) ex.cache?.clear();
    }
    for (const consumer of [...q.consumers]) {
      consumer.holder.consumers.delete(consumer.tag);
      // amqplib calls the callback with null when the server cancels a consumer.
      this.sim.schedule(0, 'rabbitmq:cancelled', () => this.invoke(consumer, null, q.name, '-'));
    }
    q.consumers.length = 0;
    return dropped.length;
  }

  private discard(m: QueuedMessage, why: string): void {
    setFate(m, 'rejected-by-broker');
    if (this.tracing) this.trace('drop', m.queue.name, m.id, m.routingKey, why);
  }

  // ----- dispatch -----

  /** Marks a queue as possibly deliverable and makes sure a dispatch step is coming. */
  private touch(q: SimQueue): void {
    if (q.consumers.length > 0 && q.ready > 0 && !q.deleted) {
      if (!q.listed) {
        q.listed = true;
        this.listed.push(q);
      }
      this.dispatchTask ??= this.sim.schedule(0, 'rabbitmq:dispatch', this.dispatch);
    }
    // Armed after the dispatch step, so a TTL-0 message meets a waiting consumer before it expires.
    if (q.expires) this.armExpiry(q);
  }

  /**
   * One scheduler step: deliver up to `deliveriesPerStep` messages. Which queue delivers next, when
   * several can, is a recorded decision; within a queue consumers take turns (round-robin). The step
   * ends early when a handler returns a promise, so async handlers interleave as they would.
   */
  private runDispatch(): void {
    this.dispatchTask = undefined;
    const faultsOn = this.sim.faults.active.length > 0;
    let budget = this.options.deliveriesPerStep;
    const listed = this.listed;
    while (budget-- > 0) {
      let n = 0;
      // Expiring a head can dead-letter into another queue and append to `listed`: the loop sees it.
      for (let i = 0; i < listed.length; i++) {
        const q = listed[i]!;
        if (this.deliverable(q, faultsOn)) listed[n++] = q;
        else q.listed = false;
      }
      if (listed.length !== n) listed.length = n; // setting an array's length is not free, even unchanged
      if (n === 0) return;
      if (n === 1) {
        const q = listed[0]!;
        // Nothing to decide and nothing to trace or draw: deliver a run from this queue without
        // rescanning, for as long as it stays the only one that can move (see deliverRun).
        if (!faultsOn && !this.tracing && this.runnable(q)) {
          const ran = isPlain(q.peek()!)
            ? this.deliverPlainRun(q, budget + 1)
            : this.deliverRun(q, budget + 1);
          if (ran < 0) break; // the handler returned a promise: the step yields
          budget -= ran - 1;
          continue;
        }
        if (this.deliverOne(q, faultsOn)) break;
        continue;
      }
      const q = listed[this.sim.decisions.choose('rabbitmq:deliver-next', n)]!;
      if (this.deliverOne(q, faultsOn)) break;
    }
    if (listed.length > 0) this.dispatchTask ??= this.sim.schedule(0, 'rabbitmq:dispatch', this.dispatch);
  }

  private deliverable(q: SimQueue, faultsOn: boolean): boolean {
    if (q.deleted || q.consumers.length === 0) return false;
    if (q.expires) this.expireHead(q, false);
    if (q.ready === 0) return false;
    const now = this.sim.now();
    if (q.pausedUntil > now) return false;
    if (faultsOn) {
      const until = this.sim.faults.unavailableUntil('rabbitmq', q.name, now);
      if (until !== undefined) {
        this.pause(q, until, 'unavailable: the broker is down, consumers stall');
        return false;
      }
    }
    for (const c of q.consumers)
      if ((c.prefetch === 0 || c.unacked < c.prefetch) && !this.globalFull(c.holder)) return true;
    return false;
  }

  private pause(q: SimQueue, until: number, why: string): void {
    q.pausedUntil = until;
    if (this.tracing) this.trace('fault', q.name, undefined, undefined, `${why} until ${until}ms`);
    if (q.wake) this.sim.cancel(q.wake);
    q.wake = this.sim.schedule(until - this.sim.now(), 'rabbitmq:resume', () => {
      q.wake = undefined;
      this.touch(q);
    });
  }

  /** Delivers the head of `q`; true when the handler returned a promise (the step should yield). */
  private deliverOne(q: SimQueue, faultsOn: boolean): boolean {
    if (faultsOn) {
      const delay = this.sim.faults.fires('delay', 'rabbitmq', q.name);
      if (delay) {
        this.pause(
          q,
          this.sim.now() + (delay.delayMs ?? 100),
          'delay: deliveries from this queue are held back',
        );
        return false;
      }
    }
    const consumer = q.nextConsumer(this.globalFull)!;
    const m = q.shift()!;
    // A new head may already be due: it must not wait for an unrelated event to expire.
    if (q.expires) this.armExpiry(q);
    const channel = consumer.holder;
    const tag = ++channel.lastTag;
    delivered(m);
    const message: SimAmqpMessage = {
      content: m.content,
      fields: {
        consumerTag: consumer.tag,
        deliveryTag: tag,
        redelivered: m.redelivered,
        exchange: m.exchange,
        routingKey: m.routingKey,
      },
      properties: this.deliveredProperties(m),
    };
    if (consumer.noAck) setFate(m, 'acked');
    else this.hold(channel, consumer, m, tag);
    if (this.tracing)
      this.trace(
        m.redelivered ? 'redeliver' : 'deliver',
        q.name,
        m.id,
        m.routingKey,
        `→ ${consumer.tag}${consumer.noAck ? ' (no-ack)' : ''}`,
      );
    return this.invoke(consumer, message, q.name, m.id);
  }

  /**
   * Whether the next delivery from `q`, the only queue that can move, may go through
   * {@link deliverRun}: one consumer (no round-robin), no TTL (no head to expire, no timer to arm),
   * no channel-wide prefetch (an ack would touch other queues), and room under its prefetch. Checked
   * again after every delivery of a run: a handler can change any of it.
   */
  private runnable(q: SimQueue): boolean {
    if (q.consumers.length !== 1 || q.expires || q.deleted || q.ready === 0) return false;
    const consumer = q.consumers[0]!;
    return (
      consumer.holder.globalPrefetch === 0 &&
      (consumer.prefetch === 0 || consumer.unacked < consumer.prefetch) &&
      q.pausedUntil <= this.sim.now()
    );
  }

  /**
   * Delivers the head of `q` again and again (at most `limit` times, at least once) while `q` stays
   * the only queue that can deliver and {@link runnable}: what `runDispatch` would do one iteration
   * at a time (filter `listed`, find it alone, `deliverOne`), without the rescan. The caller checked
   * that no fault is active at the start of the step and the trace is off. Anything a handler does
   * that could change the next choice ends the run: touching another queue (a publish, an ack
   * freeing room) lists it, and the listed count is checked after every delivery. Returns how many
   * it delivered, negated when the last handler returned a promise (the step must yield). The
   * handler is called as `consumer.onMessage(...)`, as invoke() does, so even its `this` is the same.
   */
  private deliverRun(q: SimQueue, limit: number): number {
    const consumer = q.consumers[0]!;
    const channel = consumer.holder;
    const noAck = consumer.noAck;
    const unacked = channel.unacked;
    const listed = this.listed;
    const now = this.sim.now();
    // nextConsumer() with one consumer: the round-robin position stays at 0.
    q.rr = 0;
    let n = 0;
    for (;;) {
      const m = q.shift()!;
      n++;
      const tag = ++channel.lastTag;
      m.fate = 'in-flight';
      m.deliveries++;
      if (noAck === true) m.fate = 'acked';
      else {
        // hold() written out: what a run inlines counts against V8's inlining budget (see callHandler).
        m.tag = tag;
        unacked.set(tag, m, consumer);
        consumer.unacked++;
        q.unacked++;
      }
      const p = m.properties;
      const copyHeaders = p?.copyHeaders;
      let result: unknown;
      try {
        result = callHandler(consumer, {
          content: m.content,
          fields: {
            consumerTag: consumer.tag,
            deliveryTag: tag,
            redelivered: m.redelivered,
            exchange: m.exchange,
            routingKey: m.routingKey,
          },
          // What materialise() builds, from one literal here: see headersCopier().
          properties:
            copyHeaders === undefined || m.returns !== 0
              ? this.deliveredProperties(m)
              : {
                  contentType: p!.contentType,
                  contentEncoding: p!.contentEncoding,
                  headers: copyHeaders(p!.headers),
                  deliveryMode: p!.deliveryMode,
                  priority: p!.priority,
                  correlationId: p!.correlationId,
                  replyTo: p!.replyTo,
                  expiration: p!.expiration,
                  messageId: p!.messageId,
                  timestamp: p!.timestamp,
                  type: p!.type,
                  userId: p!.userId,
                  appId: p!.appId,
                  clusterId: p!.clusterId,
                },
        });
      } catch (error) {
        this.handlerFailed(consumer, q.name, m.id, error);
        result = undefined;
      }
      if (result !== null && typeof result === 'object' && isThenable(result)) {
        this.awaitHandler(consumer, result, q.name, m.id);
        return -n;
      }
      if (
        n >= limit ||
        listed.length !== 1 ||
        q.consumers.length !== 1 ||
        q.consumers[0] !== consumer ||
        q.expires === true ||
        q.deleted === true ||
        q.ready === 0 ||
        channel.globalPrefetch !== 0 ||
        (consumer.prefetch !== 0 && consumer.unacked >= consumer.prefetch) ||
        q.pausedUntil > now
      )
        return n;
    }
  }

  /**
   * {@link deliverRun} for messages published without properties and never returned (the
   * commonest), stopping before any other. Each object of the message is built from literals at
   * the call, in one place nothing else flows into (what materialise(undefined) builds): V8 can
   * then inline the handler and its ack into this loop and, when the handler keeps no reference to
   * the message, leave it unallocated. A function of its own rather than a branch in deliverRun,
   * because V8 keeps type feedback and an inlining budget per function: messages with properties
   * delivered there cannot spoil this one.
   */
  private deliverPlainRun(q: SimQueue, limit: number): number {
    const consumer = q.consumers[0]!;
    const channel = consumer.holder;
    const noAck = consumer.noAck;
    const unacked = channel.unacked;
    const listed = this.listed;
    const now = this.sim.now();
    // nextConsumer() with one consumer: the round-robin position stays at 0.
    q.rr = 0;
    let n = 0;
    for (;;) {
      const m = q.shift()!;
      n++;
      const tag = ++channel.lastTag;
      m.fate = 'in-flight';
      m.deliveries++;
      if (noAck === true) m.fate = 'acked';
      else {
        // hold() written out, as in deliverRun.
        m.tag = tag;
        unacked.set(tag, m, consumer);
        consumer.unacked++;
        q.unacked++;
      }
      let result: unknown;
      try {
        result = callHandler(consumer, {
          content: m.content,
          fields: {
            consumerTag: consumer.tag,
            deliveryTag: tag,
            redelivered: m.redelivered,
            exchange: m.exchange,
            routingKey: m.routingKey,
          },
          // What materialise(undefined) builds.
          properties: {
            contentType: undefined,
            contentEncoding: undefined,
            headers: {},
            deliveryMode: undefined,
            priority: undefined,
            correlationId: undefined,
            replyTo: undefined,
            expiration: undefined,
            messageId: undefined,
            timestamp: undefined,
            type: undefined,
            userId: undefined,
            appId: undefined,
            clusterId: undefined,
          },
        });
      } catch (error) {
        this.handlerFailed(consumer, q.name, m.id, error);
        result = undefined;
      }
      if (result !== null && typeof result === 'object' && isThenable(result)) {
        this.awaitHandler(consumer, result, q.name, m.id);
        return -n;
      }
      if (
        n >= limit ||
        listed.length !== 1 ||
        q.consumers.length !== 1 ||
        q.consumers[0] !== consumer ||
        q.expires === true ||
        q.deleted === true ||
        q.ready === 0 ||
        channel.globalPrefetch !== 0 ||
        (consumer.prefetch !== 0 && consumer.unacked >= consumer.prefetch) ||
        q.pausedUntil > now ||
        !isPlain(q.peek()!)
      )
        return n;
    }
  }

  /** Quorum queues tell the consumer how many times the message came back. */
  private deliveredProperties(m: QueuedMessage): AmqpProperties {
    // One call site: see materialise().
    return materialise(m.properties, m.returns === 0 ? undefined : 'x-delivery-count', m.returns);
  }

  private invoke(consumer: Consumer, message: SimAmqpMessage | null, queue: string, id: string): boolean {
    let result: unknown;
    try {
      result = consumer.onMessage(message);
    } catch (error) {
      this.handlerFailed(consumer, queue, id, error);
      return false;
    }
    if (result !== null && typeof result === 'object' && isThenable(result)) {
      this.awaitHandler(consumer, result, queue, id);
      return true;
    }
    return false;
  }

  /** A handler returned a promise: the world waits for it, and records it if it rejects. */
  private awaitHandler(consumer: Consumer, result: PromiseLike<unknown>, queue: string, id: string): void {
    const settled = Promise.resolve(result).then(undefined, (error: unknown) =>
      this.handlerFailed(consumer, queue, id, error),
    );
    void this.sim.track(settled, `${consumer.label} handling ${id}`);
  }

  /**
   * amqplib ignores what a consumer callback returns, so a handler that throws leaves its message
   * unacked on the channel: recorded, never thrown into the world.
   */
  private handlerFailed(consumer: Consumer, queue: string, id: string, error: unknown): void {
    this.handlerFailures.push({ time: this.sim.now(), queue, consumerTag: consumer.tag, message: id, error });
    const text = describeFailure(error);
    if (this.tracing)
      this.trace(
        'error',
        queue,
        id,
        undefined,
        `handler of ${consumer.tag} threw ${text}; the message stays unacked`,
      );
  }

  /** Records a channel-level event (a crash, a listener or confirm callback that threw). @internal */
  note(kind: TraceKind, at: string, detail: string): void {
    if (this.tracing) this.trace(kind, at, undefined, undefined, detail);
  }

  // ----- helpers -----

  private newChannelState(): ChannelState {
    const id = ++this.channels;
    return {
      id,
      label: `channel ${id}`,
      unacked: new UnackedWindow(),
      stale: new Set(),
      consumers: new Map(),
      lastTag: 0,
      prefetch: 0,
      globalPrefetch: 0,
      closed: undefined,
    };
  }

  private exchange(name: string, action: string): Exchange {
    const ex = this.exchanges.get(name);
    if (!ex)
      throw new EventproofError(
        'SIM_UNKNOWN_TARGET',
        failure(
          action,
          amqpReason(`NOT_FOUND - no exchange '${name}' in vhost '/'`),
          `Declare it first with channel.assertExchange('${name}', type), or check the name`,
        ),
      );
    return ex;
  }

  private queue(name: string, action: string): SimQueue {
    const q = this.queues.get(name);
    if (!q) throw unknownQueue(action, name);
    return q;
  }

  private trace(
    kind: TraceKind,
    at: string,
    message: string | undefined,
    key: string | undefined,
    detail: string | undefined,
  ): void {
    this.sim.trace.add({ time: this.sim.now(), kind, broker: 'rabbitmq', where: at, message, key, detail });
  }
}

/**
 * An amqplib-shaped connection over the model.
 *
 * @example
 * ```ts
 * const connection = await rabbit.connect();
 * const channel = await connection.createChannel();
 * await connection.close();
 * ```
 */
export class SimRabbitMqConnection {
  private readonly channels: SimChannel[] = [];
  constructor(private readonly rabbit: SimRabbitMq) {}

  async createChannel(): Promise<SimChannel> {
    const channel = await this.rabbit.createChannel();
    this.channels.push(channel);
    return channel;
  }

  async createConfirmChannel(): Promise<SimConfirmChannel> {
    const channel = await this.rabbit.createConfirmChannel();
    this.channels.push(channel);
    return channel;
  }

  /** Closes every channel of this connection; their unacked messages are requeued. */
  async close(): Promise<void> {
    for (const channel of this.channels) if (!channel.isClosed) await channel.close();
  }
}

/**
 * Puts a RabbitMQ broker into a simulation.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 7, faults: [{ kind: 'crash-before-ack', broker: 'rabbitmq', probability: 0.2 }] });
 * const rabbit = simRabbitMq(sim);
 * const channel = await rabbit.createChannel();
 * await channel.assertExchange('shop', 'topic');
 * ```
 */
export function simRabbitMq(sim: Simulation, options: SimRabbitMqOptions = {}): SimRabbitMq {
  return new SimRabbitMq(sim, options);
}

/**
 * The ledger entry is kept on the message so the hot path updates it without a lookup by id; the
 * effect is exactly `ledger.set` / `ledger.delivered`.
 */
const setFate = (m: QueuedMessage, fate: MessageFate): void => {
  m.fate = fate;
};
const delivered = (m: QueuedMessage): void => {
  m.fate = 'in-flight';
  m.deliveries++;
};

/** Published without properties and never returned: delivered with all-undefined properties. */
const isPlain = (m: QueuedMessage): boolean => m.properties === undefined && m.returns === 0;

/**
 * The call of a handler from a delivery run, in one place for both runs. V8 inlines a handler only
 * when it knows which function it is, and it learns that per call site: from the one function seen
 * there (kept as a weak reference), or, once it has seen two closures of the same code alive at once,
 * from that code. Each simulation brings its own handler closure, so a run's own call site learnt a
 * single closure per simulation, compiled it in, and threw the compiled run away when that
 * simulation was collected (a 'weak objects' deoptimisation). At this one call site, the handlers
 * of both runs and of one simulation after another meet, two of them are soon alive at once, and V8
 * goes by the code from then on. Called as `consumer.onMessage(...)`, so a handler written as a
 * function gets the same `this`.
 *
 * The message stays unallocated only if this call, the handler and its `channel.ack` are all
 * inlined into the run, and TurboFan inlines within a budget: about 920 bytes of bytecode per
 * compiled function. It takes the candidates by call frequency, which ties here (shift, the
 * unacked window's set and this call all run once per delivery), and counts a candidate as its own
 * bytecode plus, when the candidate already has optimised code of its own, everything that code
 * inlined, with a fifth more in reserve. This function is soon optimised on its own, with the
 * handler and the whole ack path in it, so it counts as that whole chain. When the run's other
 * inlines happened to come first, it no longer fitted (bench:sim's handler: 520 + 11 bytes, 637
 * with the reserve, after about 300), and in that process the run allocated every message for as
 * long as it lived. So what a run inlines per delivery is kept short: hold() is written out in the
 * runs, shift() reads each field once, and the ack's short path (`ack`, `takeOnly`, `released`)
 * is what a lone ack needs and no more: 427 + 11 bytes (526 with the reserve) after at most about
 * 220, whatever the order.
 */
const callHandler = (consumer: Consumer, message: SimAmqpMessage): unknown => consumer.onMessage(message);

const isThenable = (value: object): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown>).then === 'function';

const where = (exchange: string): string => (exchange === '' ? '(default)' : exchange);

function describe(properties: StoredProperties): string | undefined {
  return properties?.type ?? properties?.messageId;
}

function sameArgs(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/** What a handler threw, in a line; never throws itself (an Error whose getters throw, a hostile proxy). */
function describeFailure(error: unknown): string {
  try {
    return error instanceof Error
      ? `${error.name}: ${error.message}`
      : `non-Error value ${safeString(error)}`;
  } catch {
    return 'a thrown value that cannot be printed';
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return 'that cannot be printed';
    }
  }
}

function unknownQueue(action: string, name: string): EventproofError {
  return new EventproofError(
    'SIM_UNKNOWN_TARGET',
    failure(
      action,
      amqpReason(`NOT_FOUND - no queue '${name}' in vhost '/'`),
      `Declare it first with channel.assertQueue('${name}'), or check the name`,
    ),
  );
}

function unknownExchange(channel: ChannelState, name: string): EventproofError {
  return new EventproofError(
    'SIM_UNKNOWN_TARGET',
    failure(
      `publish to exchange '${name}'`,
      `Channel closed by server: ${amqpReason(`NOT_FOUND - no exchange '${name}' in vhost '/'`)} (${channel.label})`,
      `Declare it first with channel.assertExchange('${name}', type), or check the name`,
    ),
  );
}

function configError406(
  action: string,
  reason: string,
  hint = 'Check the call against the queue or exchange as declared',
): EventproofError {
  return new EventproofError('SIM_CONFIG', failure(action, amqpReason(reason), hint));
}

function configError403(action: string, reason: string): EventproofError {
  return new EventproofError(
    'SIM_CONFIG',
    failure(action, amqpReason(reason), 'Use an exchange or queue you declared yourself'),
  );
}
