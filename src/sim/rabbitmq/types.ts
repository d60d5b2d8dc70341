/**
 * The four exchange types RabbitMQ ships with.
 *
 * @example
 * ```ts
 * await channel.assertExchange('shop', 'topic' satisfies ExchangeType);
 * ```
 */
export type ExchangeType = 'direct' | 'topic' | 'fanout' | 'headers';

/**
 * Queue types the model knows (`x-queue-type`). Streams are not modelled.
 *
 * @example
 * ```ts
 * await channel.assertQueue('payments', { arguments: { 'x-queue-type': 'quorum' satisfies RabbitQueueType } });
 * ```
 */
export type RabbitQueueType = 'classic' | 'quorum';

/**
 * What a full queue does with the next message (`x-overflow`).
 *
 * @example
 * ```ts
 * await channel.assertQueue('small', { maxLength: 100, arguments: { 'x-overflow': 'reject-publish' satisfies RabbitOverflowPolicy } });
 * ```
 */
export type RabbitOverflowPolicy = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';

/**
 * Why RabbitMQ dead-lettered a message: the `reason` of its `x-death` entry.
 *
 * @example
 * ```ts
 * const reason = msg.properties.headers['x-first-death-reason'] as RabbitDeadLetterReason;
 * ```
 */
export type RabbitDeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit';

/**
 * Message properties as amqplib hands them to a consumer (`msg.properties`); a fresh object per delivery.
 *
 * @example
 * ```ts
 * const { messageId, headers }: AmqpProperties = msg.properties;
 * ```
 */
export interface AmqpProperties {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  headers: Record<string, unknown>;
  deliveryMode: number | undefined;
  priority: number | undefined;
  correlationId: string | undefined;
  replyTo: string | undefined;
  /** Per-message TTL in milliseconds, as a string (AMQP carries it as a short string). */
  expiration: string | undefined;
  messageId: string | undefined;
  timestamp: number | undefined;
  type: string | undefined;
  userId: string | undefined;
  appId: string | undefined;
  clusterId: string | undefined;
}

/**
 * Delivery fields as amqplib hands them to a consumer (`msg.fields`).
 *
 * @example
 * ```ts
 * if (msg.fields.redelivered) metrics.count('redelivery');
 * ```
 */
export interface AmqpFields {
  deliveryTag: number;
  /** True when RabbitMQ delivered this message before (requeued by a nack, a reject or a closed channel). */
  redelivered: boolean;
  exchange: string;
  routingKey: string;
  consumerTag: string;
}

/**
 * A delivered message, shaped like amqplib's `ConsumeMessage`, so handlers written for amqplib run
 * unchanged.
 *
 * @example
 * ```ts
 * await channel.consume('orders', (msg) => {
 *   if (!msg) return; // the broker cancelled the consumer
 *   handle(JSON.parse(msg.content.toString()));
 *   channel.ack(msg);
 * });
 * ```
 */
export interface SimAmqpMessage {
  content: Buffer;
  fields: AmqpFields;
  properties: AmqpProperties;
}

/**
 * Fields of a message taken with `get` (basic.get), as amqplib's `GetMessageFields`.
 *
 * @example
 * ```ts
 * const msg = await channel.get('orders');
 * if (msg) console.log(`${msg.fields.messageCount} more waiting`);
 * ```
 */
export interface AmqpGetFields {
  deliveryTag: number;
  redelivered: boolean;
  exchange: string;
  routingKey: string;
  /** Ready messages left in the queue. */
  messageCount: number;
}

/**
 * A message taken with `get`, shaped like amqplib's `GetMessage`.
 *
 * @example
 * ```ts
 * const msg: SimGetMessage | false = await channel.get('orders.dlq');
 * if (msg) channel.ack(msg);
 * ```
 */
export interface SimGetMessage {
  content: Buffer;
  fields: AmqpGetFields;
  properties: AmqpProperties;
}

/**
 * What `ack`, `nack` and `reject` need: a delivered message (from `consume` or `get`).
 *
 * @example
 * ```ts
 * const settle = (msg: AmqpSettleable, ok: boolean) => (ok ? channel.ack(msg) : channel.nack(msg, false, false));
 * ```
 */
export interface AmqpSettleable {
  readonly fields: { readonly deliveryTag: number };
}

/**
 * A message RabbitMQ could not route and handed back (`basic.return`), emitted as a channel 'return' event.
 *
 * @example
 * ```ts
 * channel.on('return', (returned: ReturnedMessage) => console.log(returned.fields.replyText)); // NO_ROUTE
 * channel.publish('shop', 'nobody.listens', body, { mandatory: true });
 * ```
 */
export interface ReturnedMessage {
  content: Buffer;
  fields: { replyCode: number; replyText: string; exchange: string; routingKey: string };
  properties: AmqpProperties;
}

/**
 * amqplib's `publish` options. `CC`/`BCC` sender-selected distribution is not modelled.
 *
 * @example
 * ```ts
 * const options: AmqpPublishOptions = { messageId: 'o-1', persistent: true, expiration: '60000', headers: { tenant: 'eu' } };
 * channel.publish('shop', 'order.created', body, options);
 * ```
 */
export interface AmqpPublishOptions {
  headers?: Record<string, unknown>;
  /** Per-message TTL in ms; amqplib accepts a number and sends it as a string. */
  expiration?: string | number;
  messageId?: string;
  /** Sets delivery mode 2; the model keeps everything in memory either way. */
  persistent?: boolean;
  deliveryMode?: boolean | number;
  /** Return the message to this channel ('return' event) when it routes to no queue. */
  mandatory?: boolean;
  type?: string;
  contentType?: string;
  contentEncoding?: string;
  correlationId?: string;
  replyTo?: string;
  priority?: number;
  timestamp?: number;
  appId?: string;
  userId?: string;
}

/**
 * amqplib's `assertQueue` options; the named options win over the same `x-` argument, as in amqplib.
 *
 * @example
 * ```ts
 * const options: AssertQueueOptions = { messageTtl: 60_000, deadLetterExchange: 'dlx', arguments: { 'x-max-length-bytes': 1_000_000 } };
 * await channel.assertQueue('orders', options);
 * ```
 */
export interface AssertQueueOptions {
  durable?: boolean;
  exclusive?: boolean;
  autoDelete?: boolean;
  /** `x-message-ttl`: per-queue TTL in ms. */
  messageTtl?: number;
  /** `x-expires`: accepted and compared, but unused queues are not deleted by the model. */
  expires?: number;
  /** `x-dead-letter-exchange`. */
  deadLetterExchange?: string;
  /** `x-dead-letter-routing-key`. */
  deadLetterRoutingKey?: string;
  /** `x-max-length`: ready messages, not counting unacked ones. */
  maxLength?: number;
  /** `x-max-priority`: accepted and compared; priorities are not modelled. */
  maxPriority?: number;
  /** Raw queue arguments: `x-queue-type`, `x-overflow`, `x-max-length-bytes`, `x-delivery-limit`, … */
  arguments?: Record<string, unknown>;
}

/**
 * amqplib's `assertExchange` options.
 *
 * @example
 * ```ts
 * await channel.assertExchange('shop', 'topic', { alternateExchange: 'unrouted' } satisfies AssertExchangeOptions);
 * ```
 */
export interface AssertExchangeOptions {
  durable?: boolean;
  internal?: boolean;
  autoDelete?: boolean;
  /** The exchange that receives messages this one cannot route. */
  alternateExchange?: string;
  arguments?: Record<string, unknown>;
}

/**
 * amqplib's `consume` options.
 *
 * @example
 * ```ts
 * await channel.consume('orders', handle, { consumerTag: 'billing-1', noAck: false } satisfies AmqpConsumeOptions);
 * ```
 */
export interface AmqpConsumeOptions {
  /** Auto-ack: the message counts as acked once sent; a crash loses it (at-most-once). */
  noAck?: boolean;
  consumerTag?: string;
  /** Refuse other consumers on the queue while this one is there. */
  exclusive?: boolean;
  priority?: number;
  arguments?: Record<string, unknown>;
}

/**
 * `assertQueue`/`checkQueue` reply.
 *
 * @example
 * ```ts
 * const { queue, messageCount }: AssertQueueReply = await channel.assertQueue(''); // queue: 'amq.gen-…'
 * ```
 */
export interface AssertQueueReply {
  queue: string;
  messageCount: number;
  consumerCount: number;
}

/**
 * What a queue holds right now: `ready` messages waiting, `unacked` delivered but not settled,
 * `consumers` attached. "RabbitMQ unacked 0" is how a test settles on broker facts.
 *
 * @example
 * ```ts
 * const stats: RabbitQueueStats = rabbit.queueStats('orders');
 * expect(stats.unacked).toBe(0);
 * ```
 */
export interface RabbitQueueStats {
  ready: number;
  unacked: number;
  consumers: number;
}

/**
 * Called when a confirm channel learns a publish's outcome: `null` for ack, an Error for nack.
 *
 * @example
 * ```ts
 * const onConfirm: ConfirmCallback = (err) => (err ? retry() : markSent());
 * confirmChannel.publish('shop', 'order.created', body, {}, onConfirm);
 * ```
 */
export type ConfirmCallback = (error: Error | null, ok?: unknown) => void;

/**
 * A handler that threw or rejected, recorded instead of crashing the world.
 *
 * @example
 * ```ts
 * const failures: readonly RabbitHandlerFailure[] = rabbit.handlerFailures;
 * expect(failures).toEqual([]);
 * ```
 */
export interface RabbitHandlerFailure {
  readonly time: number;
  readonly queue: string;
  readonly consumerTag: string;
  readonly message: string;
  readonly error: unknown;
}
