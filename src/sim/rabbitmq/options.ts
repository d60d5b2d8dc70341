import { EventproofError, failure } from '../../errors.js';
import type {
  AssertExchangeOptions,
  AssertQueueOptions,
  ExchangeType,
  RabbitOverflowPolicy,
  RabbitQueueType,
} from './types.js';

/**
 * Options of the RabbitMQ model itself (not of a queue or an exchange).
 *
 * @example
 * ```ts
 * const rabbit = simRabbitMq(sim, { quorumDeliveryLimit: 20 });
 * ```
 */
/** What a quorum queue's delivery count counts: see {@link SimRabbitMqOptions.quorumDeliveryCount}. */
export type QuorumDeliveryCount = 'every-return' | 'failures';

export interface SimRabbitMqOptions {
  /**
   * RabbitMQ treats `*` and `#` as wildcards only when they are a whole word, so `orders#` matches
   * the literal word. That is almost always a bug, and binding such a pattern is refused unless this
   * is true.
   */
  readonly allowLiteralWildcards?: boolean;
  /** Delivery limit of quorum queues declared without `x-delivery-limit`. Default 20, as RabbitMQ 4.x. */
  readonly quorumDeliveryLimit?: number;
  /**
   * What a quorum queue's `x-delivery-count` (and so its delivery limit) counts.
   *
   * - `'every-return'` (default): every time the message comes back unacknowledged, whatever brought
   *   it back. RabbitMQ 3.x to 4.2.
   * - `'failures'`: only returns that mean its processing failed: `reject` with requeue, a channel
   *   that closed or crashed with it unacknowledged, a lost ack. A `nack` with requeue returns it
   *   without counting, so a consumer that nacks a poison message loops on it forever. RabbitMQ 4.3
   *   and later (which also add `x-acquired-count`, not modelled).
   */
  readonly quorumDeliveryCount?: QuorumDeliveryCount;
  /** Most deliveries made in one scheduler step while handlers return synchronously. Default 64. */
  readonly deliveriesPerStep?: number;
}

/** A queue's declared behaviour, normalised from amqplib options and `x-` arguments. */
export interface QueueConfig {
  readonly type: RabbitQueueType;
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
  readonly messageTtl: number | undefined;
  readonly deadLetterExchange: string | undefined;
  readonly deadLetterRoutingKey: string | undefined;
  readonly maxLength: number | undefined;
  readonly maxLengthBytes: number | undefined;
  readonly overflow: RabbitOverflowPolicy;
  /** Quorum queues only: returns allowed before the message is dead-lettered with reason `delivery_limit`. */
  readonly deliveryLimit: number | undefined;
  /** The `x-` arguments as declared, compared when the queue is asserted again. */
  readonly args: Readonly<Record<string, unknown>>;
}

export interface ExchangeConfig {
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly internal: boolean;
  readonly autoDelete: boolean;
  readonly alternateExchange: string | undefined;
}

const EXCHANGE_TYPES: readonly ExchangeType[] = ['direct', 'topic', 'fanout', 'headers'];
const OVERFLOW: readonly RabbitOverflowPolicy[] = ['drop-head', 'reject-publish', 'reject-publish-dlx'];
/** Arguments RabbitMQ checks for equivalence when a queue is declared again. */
const EQUIVALENCE_ARGS = [
  'x-queue-type',
  'x-message-ttl',
  'x-expires',
  'x-dead-letter-exchange',
  'x-dead-letter-routing-key',
  'x-max-length',
  'x-max-length-bytes',
  'x-overflow',
  'x-delivery-limit',
  'x-max-priority',
] as const;

const REPLY_CODES: Record<string, string> = {
  NOT_FOUND: '404 (NOT-FOUND)',
  ACCESS_REFUSED: '403 (ACCESS-REFUSED)',
  PRECONDITION_FAILED: '406 (PRECONDITION-FAILED)',
  NOT_ALLOWED: '530 (NOT-ALLOWED)',
  COMMAND_INVALID: '503 (COMMAND-INVALID)',
};

/**
 * Words a broker refusal as amqplib reports it (`404 (NOT-FOUND) with message "NOT_FOUND - …"`),
 * so the message a user sees in the simulator is the one they will search for in production logs.
 */
export function amqpReason(reason: string): string {
  const code = /^([A-Z_]+) - /.exec(reason)?.[1];
  const reply = code === undefined ? undefined : REPLY_CODES[code];
  return reply === undefined ? reason : `${reply} with message "${reason}"`;
}

export const configError = (action: string, reason: string, hint: string): EventproofError =>
  new EventproofError('SIM_CONFIG', failure(action, amqpReason(reason), hint));

export function validateModelOptions(options: SimRabbitMqOptions): Required<SimRabbitMqOptions> {
  const limit = options.quorumDeliveryLimit ?? 20;
  if (!Number.isInteger(limit) || limit < 0) {
    throw configError(
      'create the RabbitMQ model',
      `quorumDeliveryLimit must be a whole number ≥ 0, got ${String(limit)}`,
      'Use e.g. { quorumDeliveryLimit: 20 }',
    );
  }
  const batch = options.deliveriesPerStep ?? 64;
  if (!Number.isInteger(batch) || batch < 1) {
    throw configError(
      'create the RabbitMQ model',
      `deliveriesPerStep must be a whole number ≥ 1, got ${String(batch)}`,
      'Use e.g. { deliveriesPerStep: 64 }',
    );
  }
  const counting = options.quorumDeliveryCount ?? 'every-return';
  if (counting !== 'every-return' && counting !== 'failures') {
    throw configError(
      'create the RabbitMQ model',
      `quorumDeliveryCount must be 'every-return' or 'failures', got ${JSON.stringify(counting)}`,
      "Use 'every-return' for RabbitMQ up to 4.2, 'failures' for 4.3 and later",
    );
  }
  return {
    allowLiteralWildcards: options.allowLiteralWildcards ?? false,
    quorumDeliveryLimit: limit,
    quorumDeliveryCount: counting,
    deliveriesPerStep: batch,
  };
}

const wholeMs = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;

/** Turns amqplib's assertQueue options into the queue's configuration, refusing what RabbitMQ refuses. */
export function queueConfig(
  name: string,
  options: AssertQueueOptions,
  quorumDeliveryLimit: number,
): QueueConfig {
  const args: Record<string, unknown> = { ...options.arguments };
  // amqplib lets the named options override the raw arguments.
  const named: [keyof AssertQueueOptions, string][] = [
    ['messageTtl', 'x-message-ttl'],
    ['expires', 'x-expires'],
    ['deadLetterExchange', 'x-dead-letter-exchange'],
    ['deadLetterRoutingKey', 'x-dead-letter-routing-key'],
    ['maxLength', 'x-max-length'],
    ['maxPriority', 'x-max-priority'],
  ];
  for (const [option, arg] of named) if (options[option] !== undefined) args[arg] = options[option];
  const action = `declare queue '${name}'`;
  const type = (args['x-queue-type'] ?? 'classic') as RabbitQueueType;
  if (type !== 'classic' && type !== 'quorum') {
    throw configError(
      action,
      `x-queue-type '${String(type)}' is not modelled`,
      "Use 'classic' or 'quorum' (streams are not part of the simulator)",
    );
  }
  const durable = options.durable ?? true;
  const exclusive = options.exclusive ?? false;
  if (type === 'quorum' && (!durable || exclusive || options.autoDelete)) {
    throw configError(
      action,
      `PRECONDITION_FAILED - a quorum queue must be durable, non-exclusive and not auto-delete`,
      'Declare it with { durable: true, exclusive: false, autoDelete: false } or use a classic queue',
    );
  }
  for (const arg of [
    'x-message-ttl',
    'x-expires',
    'x-max-length',
    'x-max-length-bytes',
    'x-delivery-limit',
    'x-max-priority',
  ]) {
    if (args[arg] !== undefined && !wholeMs(args[arg])) {
      throw configError(
        action,
        `PRECONDITION_FAILED - invalid arg '${arg}': expected a whole number ≥ 0, got ${JSON.stringify(args[arg])}`,
        `Pass a non-negative integer for ${arg}`,
      );
    }
  }
  if (args['x-expires'] === 0)
    throw configError(
      action,
      "PRECONDITION_FAILED - invalid arg 'x-expires': 0 is not allowed",
      'Use at least 1 ms, or leave it out',
    );
  for (const arg of ['x-dead-letter-exchange', 'x-dead-letter-routing-key']) {
    if (args[arg] !== undefined && typeof args[arg] !== 'string') {
      throw configError(
        action,
        `PRECONDITION_FAILED - invalid arg '${arg}': expected a string, got ${JSON.stringify(args[arg])}`,
        'Pass the exchange name or routing key as a string',
      );
    }
  }
  if (args['x-dead-letter-routing-key'] !== undefined && args['x-dead-letter-exchange'] === undefined) {
    throw configError(
      action,
      'PRECONDITION_FAILED - x-dead-letter-routing-key given without x-dead-letter-exchange',
      'Set deadLetterExchange too (use "" for the default exchange)',
    );
  }
  const overflow = (args['x-overflow'] ?? 'drop-head') as RabbitOverflowPolicy;
  if (!OVERFLOW.includes(overflow)) {
    throw configError(
      action,
      `PRECONDITION_FAILED - invalid arg 'x-overflow': ${JSON.stringify(overflow)}`,
      `Use one of: ${OVERFLOW.join(', ')}`,
    );
  }
  if (type === 'quorum' && overflow === 'reject-publish-dlx') {
    throw configError(
      action,
      "PRECONDITION_FAILED - quorum queues do not support x-overflow 'reject-publish-dlx'",
      "Use 'drop-head' or 'reject-publish' on a quorum queue",
    );
  }
  if (type === 'classic' && args['x-delivery-limit'] !== undefined) {
    throw configError(
      action,
      'x-delivery-limit only applies to quorum queues; a classic queue would ignore it and redeliver a poison message forever',
      "Add 'x-queue-type': 'quorum' to the arguments, or drop x-delivery-limit",
    );
  }
  const compared: Record<string, unknown> = {};
  for (const arg of EQUIVALENCE_ARGS) if (args[arg] !== undefined) compared[arg] = args[arg];
  return {
    type,
    durable,
    exclusive,
    autoDelete: options.autoDelete ?? false,
    messageTtl: args['x-message-ttl'] as number | undefined,
    deadLetterExchange: args['x-dead-letter-exchange'] as string | undefined,
    deadLetterRoutingKey: args['x-dead-letter-routing-key'] as string | undefined,
    maxLength: args['x-max-length'] as number | undefined,
    maxLengthBytes: args['x-max-length-bytes'] as number | undefined,
    overflow,
    deliveryLimit:
      type === 'quorum'
        ? ((args['x-delivery-limit'] as number | undefined) ?? quorumDeliveryLimit)
        : undefined,
    args: compared,
  };
}

/** RabbitMQ's answer to declaring an existing queue differently: the channel closes with 406. */
export function checkQueueEquivalent(name: string, current: QueueConfig, requested: QueueConfig): void {
  const fields: [string, unknown, unknown][] = [
    ['durable', current.durable, requested.durable],
    ['exclusive', current.exclusive, requested.exclusive],
    ['auto_delete', current.autoDelete, requested.autoDelete],
  ];
  for (const arg of EQUIVALENCE_ARGS) fields.push([arg, current.args[arg], requested.args[arg]]);
  for (const [field, was, now] of fields) {
    if (was !== now) {
      throw configError(
        `declare queue '${name}'`,
        `PRECONDITION_FAILED - inequivalent arg '${field}' for queue '${name}' in vhost '/': received ${show(now)} but current is ${show(was)}`,
        'Declare it with the same options as before, or delete the queue first (channel.deleteQueue)',
      );
    }
  }
}

const show = (value: unknown): string =>
  value === undefined ? 'none' : `'${JSON.stringify(value) ?? 'undefined'}'`.replace(/^'"(.*)"'$/, "'$1'");

export function exchangeConfig(name: string, type: string, options: AssertExchangeOptions): ExchangeConfig {
  if (!EXCHANGE_TYPES.includes(type as ExchangeType)) {
    throw configError(
      `declare exchange '${name}'`,
      `COMMAND_INVALID - unknown exchange type '${type}'`,
      `Use one of: ${EXCHANGE_TYPES.join(', ')}`,
    );
  }
  const ae = options.alternateExchange ?? options.arguments?.['alternate-exchange'];
  if (ae !== undefined && typeof ae !== 'string') {
    throw configError(
      `declare exchange '${name}'`,
      `alternate-exchange must be an exchange name, got ${JSON.stringify(ae)}`,
      'Pass { alternateExchange: "unrouted" }',
    );
  }
  return {
    type: type as ExchangeType,
    durable: options.durable ?? true,
    internal: options.internal ?? false,
    autoDelete: options.autoDelete ?? false,
    alternateExchange: ae,
  };
}

export function checkExchangeEquivalent(
  name: string,
  current: ExchangeConfig,
  requested: ExchangeConfig,
): void {
  const fields: [string, unknown, unknown][] = [
    ['type', current.type, requested.type],
    ['durable', current.durable, requested.durable],
    ['internal', current.internal, requested.internal],
    ['auto_delete', current.autoDelete, requested.autoDelete],
    ['alternate-exchange', current.alternateExchange, requested.alternateExchange],
  ];
  for (const [field, was, now] of fields) {
    if (was !== now) {
      throw configError(
        `declare exchange '${name}'`,
        `PRECONDITION_FAILED - inequivalent arg '${field}' for exchange '${name}' in vhost '/': received ${show(now)} but current is ${show(was)}`,
        'Declare it with the same type and options as before, or delete the exchange first (channel.deleteExchange)',
      );
    }
  }
}

/** Names longer than AMQP's short string, or reserved prefixes, are refused by RabbitMQ. */
export function checkName(kind: 'queue' | 'exchange', name: string, declaring: boolean): void {
  if (typeof name !== 'string') {
    throw configError(
      `declare ${kind}`,
      `the name must be a string, got ${typeof name}`,
      `Pass the ${kind} name as a string`,
    );
  }
  if (Buffer.byteLength(name) > 255) {
    throw configError(
      `declare ${kind} '${name.slice(0, 40)}…'`,
      'the name is longer than 255 bytes',
      'Use a shorter name',
    );
  }
  if (declaring && name.startsWith('amq.')) {
    throw configError(
      `declare ${kind} '${name}'`,
      `ACCESS_REFUSED - ${kind} name '${name}' contains reserved prefix 'amq.*'`,
      "Choose a name that does not start with 'amq.'",
    );
  }
}

/** Parses `expiration` as RabbitMQ does: a string of whole milliseconds. */
export function parseExpiration(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) {
    throw configError(
      'publish',
      `PRECONDITION_FAILED - invalid expiration '${text}'`,
      "Pass expiration as a string of whole milliseconds, e.g. { expiration: '60000' }",
    );
  }
  return Number(text);
}
