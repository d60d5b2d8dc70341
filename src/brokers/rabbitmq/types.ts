import type { Destination } from '../probe.js';

/** The exchange types RabbitMQ routes with. */
export type RabbitMqExchangeType = 'direct' | 'topic' | 'fanout' | 'headers';

/**
 * A queue a RabbitMQ probe declared; deleted on dispose.
 *
 * @example
 * ```ts
 * const orders = await probe.queue('orders', { deadLetter: true });
 * await probe.expect(orders.deadLetter!).toReceive(OrderCreated);
 * ```
 */
export interface RabbitMqQueue extends Destination {
  readonly kind: 'queue';
  /** The dead-letter queue (behind `<queue>.dlx`), when asked for. */
  readonly deadLetter: RabbitMqQueue | undefined;
}

/**
 * An exchange a RabbitMQ probe declared; `expect(exchange)` reads a private tap queue bound to it.
 *
 * @example
 * ```ts
 * const events = await probe.exchange('events', { type: 'topic' });
 * ```
 */
export interface RabbitMqExchange extends Destination {
  readonly kind: 'exchange';
  readonly type: RabbitMqExchangeType;
}

/** Either kind of RabbitMQ destination. */
export type RabbitMqDestination = RabbitMqQueue | RabbitMqExchange;

/**
 * Options of `probe.queue()`.
 *
 * @example
 * ```ts
 * await probe.queue('orders', { messageTtlMs: 100, deadLetter: true });
 * ```
 */
export interface RabbitMqQueueOptions {
  /** Declare `<queue>.dlx` (fanout) and `<queue>.dlq`, and dead-letter rejected and expired messages there. */
  readonly deadLetter?: boolean | undefined;
  /** Per-queue message TTL (`x-message-ttl`). */
  readonly messageTtlMs?: number | undefined;
  /** Queue length limit (`x-max-length`). */
  readonly maxLength?: number | undefined;
  /** Bindings to make right away. */
  readonly bindings?:
    readonly { readonly exchange: RabbitMqExchange; readonly routingKey?: string }[] | undefined;
  /** More `x-` arguments. */
  readonly arguments?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * What RabbitMQ reports about one queue; `settled()` waits for ready and unacknowledged to be 0.
 *
 * @example
 * ```ts
 * const [counts] = await probe.counts();
 * expect(counts).toMatchObject({ ready: 0, unacknowledged: 0 });
 * ```
 */
export interface RabbitMqQueueCounts {
  readonly queue: string;
  /** Ready to deliver (real time, from a passive declare). */
  readonly ready: number;
  /** Delivered, not yet acknowledged (management API; `undefined` without it). */
  readonly unacknowledged: number | undefined;
  readonly consumers: number;
}
