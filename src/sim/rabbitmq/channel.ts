import { EventproofError, failure, InvalidArgumentError } from '../../errors.js';
import { parseExpiration } from './options.js';
import { storeProperties } from './properties.js';
import type { ChannelState } from './queue.js';
import type { SimRabbitMq } from './rabbitmq.js';
import { checkKey, isValidKey } from './routing.js';
import type {
  AssertExchangeOptions,
  AssertQueueOptions,
  AssertQueueReply,
  ConfirmCallback,
  AmqpConsumeOptions,
  AmqpProperties,
  AmqpPublishOptions,
  ReturnedMessage,
  SimAmqpMessage,
  SimGetMessage,
  AmqpSettleable,
} from './types.js';

type Listener = (...args: never[]) => unknown;
type Outcome = 'ack' | 'nack' | 'unknown';

/**
 * An amqplib-shaped channel on the simulated broker. Methods that return promises in amqplib return
 * promises here; `publish`, `ack`, `nack` and `reject` are synchronous, as in amqplib. Errors
 * RabbitMQ answers with a channel close (404 NOT_FOUND, 406 PRECONDITION_FAILED, 403
 * ACCESS_REFUSED) close this channel too: its unacked messages are requeued, and 'error' and
 * 'close' are emitted.
 *
 * @example
 * ```ts
 * const channel = await rabbit.createChannel();
 * await channel.assertExchange('shop', 'topic');
 * const { queue } = await channel.assertQueue('billing', { deadLetterExchange: 'dlx' });
 * await channel.bindQueue(queue, 'shop', 'order.*');
 * await channel.prefetch(10);
 * await channel.consume(queue, (msg) => {
 *   if (msg) channel.ack(msg);
 * });
 * channel.publish('shop', 'order.created', Buffer.from('{}'), { messageId: 'o-1' });
 * ```
 */
export class SimChannel {
  private readonly listeners = new Map<string, Listener[]>();

  /** @internal */
  constructor(
    protected readonly rabbit: SimRabbitMq,
    protected readonly state: ChannelState,
  ) {}

  /** True once closed, crashed, or closed by a channel error. */
  get isClosed(): boolean {
    return this.state.closed !== undefined;
  }

  assertExchange(
    name: string,
    type: string,
    options: AssertExchangeOptions = {},
  ): Promise<{ exchange: string }> {
    return this.op(`declare exchange '${name}'`, () => this.rabbit.assertExchange(name, type, options));
  }

  checkExchange(name: string): Promise<{ exchange: string }> {
    return this.op(`check exchange '${name}'`, () => this.rabbit.checkExchange(name));
  }

  deleteExchange(name: string, _options: { ifUnused?: boolean } = {}): Promise<object> {
    return this.op(`delete exchange '${name}'`, () => (this.rabbit.deleteExchange(name), {}));
  }

  /** Declares a queue; `''` asks the broker for a server-named one (`amq.gen-…`). */
  assertQueue(name = '', options: AssertQueueOptions = {}): Promise<AssertQueueReply> {
    return this.op(`declare queue '${name}'`, () => this.rabbit.assertQueue(name, options));
  }

  checkQueue(name: string): Promise<AssertQueueReply> {
    return this.op(`check queue '${name}'`, () => this.rabbit.checkQueue(name));
  }

  deleteQueue(
    name: string,
    options: { ifUnused?: boolean; ifEmpty?: boolean } = {},
  ): Promise<{ messageCount: number }> {
    return this.op(`delete queue '${name}'`, () => this.rabbit.deleteQueue(name, options));
  }

  purgeQueue(name: string): Promise<{ messageCount: number }> {
    return this.op(`purge queue '${name}'`, () => this.rabbit.purgeQueue(name));
  }

  bindQueue(queue: string, source: string, pattern: string, args?: Record<string, unknown>): Promise<object> {
    return this.op(
      `bind queue '${queue}'`,
      () => (this.rabbit.bind(queue, source, pattern, args, false), {}),
    );
  }

  unbindQueue(
    queue: string,
    source: string,
    pattern: string,
    args?: Record<string, unknown>,
  ): Promise<object> {
    return this.op(
      `unbind queue '${queue}'`,
      () => (this.rabbit.unbind(queue, source, pattern, args, false), {}),
    );
  }

  /** Exchange-to-exchange binding: messages `source` routes with `pattern` flow on to `destination`. */
  bindExchange(
    destination: string,
    source: string,
    pattern: string,
    args?: Record<string, unknown>,
  ): Promise<object> {
    return this.op(
      `bind exchange '${destination}'`,
      () => (this.rabbit.bind(destination, source, pattern, args, true), {}),
    );
  }

  unbindExchange(
    destination: string,
    source: string,
    pattern: string,
    args?: Record<string, unknown>,
  ): Promise<object> {
    return this.op(
      `unbind exchange '${destination}'`,
      () => (this.rabbit.unbind(destination, source, pattern, args, true), {}),
    );
  }

  /**
   * Publishes to an exchange. Returns true, as amqplib does when its write buffer has room. An
   * unknown exchange throws (code `SIM_UNKNOWN_TARGET`, RabbitMQ's 404) and closes the channel; a
   * message no queue takes is dropped, or returned through the 'return' event when `mandatory`.
   */
  publish(exchange: string, routingKey: string, content: Uint8Array, options?: AmqpPublishOptions): boolean {
    return this.send(exchange, routingKey, content, options, undefined);
  }

  /** Publishes through the default exchange straight to `queue`. */
  sendToQueue(queue: string, content: Uint8Array, options?: AmqpPublishOptions): boolean {
    return this.send('', queue, content, options, undefined);
  }

  /** basic.qos: at most `count` unacked deliveries per consumer (or per channel with `global`); 0 = unlimited. */
  prefetch(count: number, global = false): Promise<object> {
    return this.op('set the prefetch count', () => {
      if (!Number.isInteger(count) || count < 0 || count > 65535) {
        throw new EventproofError(
          'SIM_CONFIG',
          failure(
            'set the prefetch count',
            `prefetch must be a whole number from 0 to 65535, got ${String(count)}`,
            'Use e.g. channel.prefetch(10); 0 means unlimited',
          ),
        );
      }
      if (global) this.state.globalPrefetch = count;
      else this.state.prefetch = count;
      return {};
    });
  }

  /** amqplib's older name for {@link SimChannel.prefetch}. */
  qos(count: number, global = false): Promise<object> {
    return this.prefetch(count, global);
  }

  /**
   * Starts a consumer. The callback gets each message (and `null` if the broker cancels the
   * consumer); what it returns is ignored by amqplib, but the simulator awaits a returned promise
   * so async handlers are part of the run.
   */
  consume(
    queue: string,
    onMessage: (message: SimAmqpMessage | null) => unknown,
    options: AmqpConsumeOptions = {},
  ): Promise<{ consumerTag: string }> {
    return this.op(`consume from queue '${queue}'`, () =>
      this.rabbit.consume(this.state, queue, onMessage, options),
    );
  }

  /** Stops a consumer; messages it has not acked stay unacked on this channel until settled or closed. */
  cancel(consumerTag: string): Promise<{ consumerTag: string }> {
    return this.op(`cancel consumer '${consumerTag}'`, () => this.rabbit.cancel(this.state, consumerTag));
  }

  /** basic.get: the next ready message, or false. Not limited by prefetch. */
  get(queue: string, options: { noAck?: boolean } = {}): Promise<SimGetMessage | false> {
    return this.op(`get from queue '${queue}'`, () =>
      this.rabbit.get(this.state, queue, options.noAck ?? false),
    );
  }

  ack(message: AmqpSettleable, allUpTo = false): void {
    const state = this.state;
    if (state.closed !== undefined) this.ensureOpen('ack a message');
    // tagOf() written out: inside a delivery run, this and the handler must be all the message
    // reaches for V8 to leave it unallocated, and V8 picks what to inline within a budget, by call
    // counts that tie here. One call fewer to win keeps the message from escaping into tagOf().
    const tag = (message as Partial<AmqpSettleable> | undefined)?.fields?.deliveryTag;
    if (typeof tag !== 'number') throw notDelivered();
    try {
      this.rabbit.ack(state, tag, allUpTo);
    } catch (error) {
      this.announceRefusal(error);
    }
  }

  /** Negative ack: requeue (default; redelivered=true, back at its position) or dead-letter with reason `rejected`. */
  nack(message: AmqpSettleable, allUpTo = false, requeue = true): void {
    this.ensureOpen('nack a message');
    try {
      this.rabbit.nack(this.state, tagOf(message), allUpTo, requeue, 'nack');
    } catch (error) {
      this.announceRefusal(error);
    }
  }

  reject(message: AmqpSettleable, requeue = true): void {
    this.ensureOpen('reject a message');
    try {
      this.rabbit.nack(this.state, tagOf(message), false, requeue, 'reject');
    } catch (error) {
      this.announceRefusal(error);
    }
  }

  /**
   * A settle the broker refused (an unknown delivery tag: a double ack, an ack on another channel)
   * closed the channel: its listeners hear 'error' and 'close', as amqplib's do, and the caller gets
   * the error.
   */
  private announceRefusal(error: unknown): never {
    if (this.state.closed !== undefined) {
      this.emit('error', error);
      this.emit('close');
    }
    throw error;
  }

  ackAll(): void {
    this.ensureOpen('ack all messages');
    this.rabbit.settleAll(this.state, 'ack');
  }

  nackAll(requeue = true): void {
    this.ensureOpen('nack all messages');
    this.rabbit.settleAll(this.state, requeue ? 'requeue' : 'reject');
  }

  /** basic.recover: every unacked message of this channel goes back to its queue. */
  recover(): Promise<object> {
    return this.op('recover', () => (this.rabbit.settleAll(this.state, 'requeue'), {}));
  }

  /** Closes the channel: its consumers stop and its unacked messages are requeued with redelivered=true. */
  close(): Promise<void> {
    if (this.state.closed === undefined) {
      this.rabbit.closeChannel(this.state, 'closed by the client', false);
      this.emit('close');
    }
    return Promise.resolve();
  }

  /**
   * Simulator only: the consuming process dies. Like a closed channel, its unacked messages are
   * requeued with redelivered=true, but nothing is emitted (nobody is left to hear it) and the
   * handlers still running find the channel closed.
   *
   * @example
   * ```ts
   * await sim.advance(10);
   * worker.crash(); // its unacked deliveries go to the other consumers
   * ```
   */
  crash(): void {
    if (this.state.closed !== undefined) return;
    this.rabbit.note(
      'fault',
      this.state.label,
      `crash: the consumer process died with ${this.state.unacked.size} unacked message(s)`,
    );
    this.rabbit.closeChannel(this.state, 'consumer crashed', false);
  }

  on(event: 'return', listener: (message: ReturnedMessage) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close' | 'drain', listener: () => void): this;
  on(event: string, listener: Listener): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  once(event: 'return' | 'error' | 'close' | 'drain', listener: (...args: never[]) => void): this {
    const wrapper = (...args: never[]) => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event as 'close', wrapper);
  }

  off(event: string, listener: Listener): this {
    const list = this.listeners.get(event);
    if (list)
      this.listeners.set(
        event,
        list.filter((l) => l !== listener),
      );
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    return this.off(event, listener);
  }

  protected emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        let what: string;
        try {
          what = error instanceof Error ? error.message : String(error);
        } catch {
          what = 'a value that cannot be printed';
        }
        this.rabbit.note('error', this.state.label, `a '${event}' listener threw ${what}`);
      }
    }
  }

  /** Publishes and reports the outcome to `confirm` (confirm channels only). */
  protected send(
    exchange: string,
    routingKey: string,
    content: Uint8Array,
    options: AmqpPublishOptions | undefined,
    confirm: ConfirmCallback | undefined,
  ): boolean {
    // The action's words are built only for an error, not as a string per publish: garbage the
    // young generation would collect, millions of times in a long run.
    if (this.state.closed !== undefined) this.ensureOpen(publishAction(exchange));
    if (!isValidKey(routingKey)) checkKey(publishAction(exchange), routingKey);
    const body = Buffer.isBuffer(content) ? content : toBuffer(content, publishAction(exchange));
    let ttl: number | undefined;
    if (options?.expiration !== undefined) {
      try {
        ttl = parseExpiration(options.expiration);
      } catch (error) {
        // RabbitMQ answers an invalid expiration with a channel error: the channel closes.
        this.fail(error);
        throw error;
      }
    }
    const properties = storeProperties(options);
    let unknown = false;
    const until = this.rabbit.unavailableUntil(exchange === '' ? routingKey : exchange);
    if (until !== undefined) {
      const outcome = this.rabbit.sim.decisions.choose('rabbitmq:publish-unavailable', 3);
      if (outcome === 0) {
        this.rabbit.lostInOutage(
          exchange,
          routingKey,
          `unavailable: the publish failed with a connection error (down until ${until}ms)`,
        );
        throw new EventproofError(
          'BROKER_UNAVAILABLE',
          failure(
            publishAction(exchange),
            `the connection to RabbitMQ is down (simulated outage until ${until}ms): Connection closed`,
            'Reconnect and publish again; a publisher that retries must expect duplicates, so consumers should be idempotent',
          ),
        );
      }
      unknown = true;
      if (outcome === 1) {
        this.rabbit.lostInOutage(
          exchange,
          routingKey,
          'unavailable: the publish ended unknown and never reached the broker',
        );
        this.confirm('unknown', confirm, exchange);
        return true;
      }
    }
    let accepted: boolean;
    try {
      accepted = this.rabbit.publish(
        this.state,
        exchange,
        routingKey,
        body,
        properties,
        ttl,
        options?.mandatory ?? false,
        options?.mandatory ? (props) => this.returned(body, exchange, routingKey, props) : undefined,
      );
    } catch (error) {
      this.fail(error);
      throw error;
    }
    this.confirm(unknown ? 'unknown' : accepted ? 'ack' : 'nack', confirm, exchange);
    return true;
  }

  /** A plain channel hears nothing back; a confirm channel overrides this. */
  protected confirm(_outcome: Outcome, _callback: ConfirmCallback | undefined, _exchange: string): void {}

  private returned(content: Buffer, exchange: string, routingKey: string, properties: AmqpProperties): void {
    this.emit('return', {
      content,
      fields: { replyCode: 312, replyText: 'NO_ROUTE', exchange, routingKey },
      properties,
    } satisfies ReturnedMessage);
  }

  private op<T>(action: string, run: () => T): Promise<T> {
    try {
      this.ensureOpen(action);
      return Promise.resolve(run());
    } catch (error) {
      this.fail(error);
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** RabbitMQ answers a bad request with a channel close: so does the model. */
  private fail(error: unknown): void {
    if (
      !(error instanceof EventproofError) ||
      !error.code.startsWith('SIM_') ||
      error.code === 'SIM_CHANNEL_CLOSED'
    )
      return;
    if (this.state.closed !== undefined) return;
    this.rabbit.closeChannel(this.state, error.message, false);
    this.rabbit.note('error', this.state.label, `closed by the broker: ${error.message}`);
    this.emit('error', error);
    this.emit('close');
  }

  protected ensureOpen(action: string): void {
    if (this.state.closed !== undefined) {
      throw new EventproofError(
        'SIM_CHANNEL_CLOSED',
        failure(
          action,
          `Channel closed (${this.state.closed})`,
          'Open a new channel with rabbit.createChannel(); after a crash or a channel error the old one cannot be used',
        ),
      );
    }
  }
}

/**
 * A channel in publisher-confirm mode, like amqplib's `ConfirmChannel`.
 *
 * @example
 * ```ts
 * const channel = await rabbit.createConfirmChannel();
 * channel.sendToQueue('orders', body, {}, (err) => console.log(err ? 'nacked' : 'confirmed'));
 * await channel.waitForConfirms();
 * ```
 */
export class SimConfirmChannel extends SimChannel {
  private refused = 0;
  private lastError: Error | undefined;

  override publish(
    exchange: string,
    routingKey: string,
    content: Uint8Array,
    options?: AmqpPublishOptions,
    callback?: ConfirmCallback,
  ): boolean {
    return this.send(exchange, routingKey, content, options, callback);
  }

  override sendToQueue(
    queue: string,
    content: Uint8Array,
    options?: AmqpPublishOptions,
    callback?: ConfirmCallback,
  ): boolean {
    return this.send('', queue, content, options, callback);
  }

  /** Resolves once every publish so far is confirmed; rejects if any was nacked or ended unknown since the last wait. */
  waitForConfirms(): Promise<void> {
    const refused = this.refused;
    const error = this.lastError;
    this.refused = 0;
    this.lastError = undefined;
    if (refused === 0) return Promise.resolve();
    return Promise.reject(error ?? new Error(`${refused} message(s) nacked`));
  }

  protected override confirm(
    outcome: Outcome,
    callback: ConfirmCallback | undefined,
    exchange: string,
  ): void {
    let error: EventproofError | null = null;
    if (outcome !== 'ack') {
      error =
        outcome === 'nack'
          ? new EventproofError(
              'SIM_PUBLISH_NACKED',
              failure(
                publishAction(exchange),
                'RabbitMQ nacked the message: a queue it routes to is full (x-overflow reject-publish)',
                'Slow the publisher down, raise x-max-length, or publish again later',
              ),
            )
          : new EventproofError(
              'BROKER_UNAVAILABLE',
              failure(
                publishAction(exchange),
                'the connection closed before the broker confirmed the message; it may or may not have arrived',
                'Publish again, and make consumers idempotent for the duplicate this may create',
              ),
            );
      this.refused++;
      this.lastError = error;
    }
    if (!callback) return;
    // The confirm comes back later than the publish call, as it does over the wire.
    queueMicrotask(() => {
      try {
        callback(error);
      } catch (thrown) {
        this.rabbit.note(
          'error',
          this.state.label,
          `a confirm callback threw ${thrown instanceof Error ? thrown.message : String(thrown)}`,
        );
      }
    });
  }
}

const publishAction = (exchange: string): string => `publish to exchange '${exchange}'`;

function tagOf(message: AmqpSettleable): number {
  const tag = (message as Partial<AmqpSettleable> | undefined)?.fields?.deliveryTag;
  if (typeof tag !== 'number') throw notDelivered();
  return tag;
}

/** Apart from tagOf, so that stays small enough to inline where messages are acked. */
function notDelivered(): InvalidArgumentError {
  return new InvalidArgumentError(
    failure(
      'settle a message',
      'it is not a delivered message (no fields.deliveryTag)',
      'Pass the message object your consume callback or get() received',
    ),
  );
}

function toBuffer(content: Uint8Array, action: string): Buffer {
  if (Buffer.isBuffer(content)) return content;
  if (content instanceof Uint8Array)
    return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  throw new InvalidArgumentError(
    failure(
      action,
      `the content must be a Buffer or Uint8Array, got ${typeof content}`,
      'Encode it first, e.g. Buffer.from(JSON.stringify(payload))',
    ),
  );
}
