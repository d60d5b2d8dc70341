import { toWireMessage } from '../contracts/bytes.js';
import { contractOf } from '../contracts/define-event.js';
import { eventRegistry } from '../contracts/registry.js';
import type { EventType, Headers, PayloadOf, WireMessage } from '../contracts/types.js';
import {
  DecodeError,
  type DecodeReason,
  failure,
  HandlerTimeoutError,
  InvalidArgumentError,
} from '../errors.js';
import { type DeliveryQueue, EntryQueue } from './delivery-queue.js';
import { show } from './format.js';
import { virtualClock } from './virtual-clock.js';

/** What a handler learns about the delivery besides the payload. */
export interface DeliveryContext {
  readonly eventType: string;
  /** 1 for the first delivery, 2 for the first retry, … */
  readonly attempt: number;
  readonly message: WireMessage;
  readonly headers: Headers;
  readonly key: string | undefined;
  /** Virtual time of this delivery, in milliseconds since the harness started. */
  readonly now: number;
}

/**
 * A consumer's handler: a function, or an object with `handle` (called with its own `this`).
 *
 * @example
 * ```ts
 * consumerHarness(new OrderHandler(deps), { events: [OrderCreated] });
 * consumerHarness((order, { attempt }) => log(order.orderId, attempt), { events: [OrderCreated] });
 * ```
 */
export type ConsumerHandler<Payload> =
  | ((payload: Payload, context: DeliveryContext) => void | Promise<void>)
  | { handle(payload: Payload, context: DeliveryContext): void | Promise<void> };

/**
 * Backoff before retry number `attempt` (1 after the first failure): exponential, or your function.
 *
 * @example
 * ```ts
 * { retry: { backoff: { initialMs: 100, multiplier: 2, maxMs: 5000 } } }
 * { retry: { backoff: (attempt) => attempt * 1000 } }
 * ```
 */
export type Backoff =
  | { readonly initialMs?: number; readonly multiplier?: number; readonly maxMs?: number }
  | ((attempt: number) => number);

/** Why an entry is where it is. */
export type DeliveryReason = DecodeReason | 'handler-error' | 'handler-timeout' | 'retries-exhausted';

/** A message the harness holds on to: in the retry queue or the dead-letter queue. */
export interface QueueEntry {
  /** Delivery id: 1 for the first message received, 2 for the next, … */
  readonly id: number;
  /** The message exactly as received, bytes and headers. */
  readonly message: WireMessage;
  /** The decoded payload, when it decoded. */
  readonly payload?: unknown;
  readonly eventType?: string | undefined;
  /** A {@link DecodeReason} for poison; `handler-error` / `handler-timeout` in the retry queue; `retries-exhausted`. */
  readonly reason: DeliveryReason;
  /** Handler attempts made so far: 0 for poison, maxAttempts when retries are exhausted. */
  readonly attempts: number;
  /** The DecodeError of poison, or the handler's last error. */
  readonly error: unknown;
}

/**
 * A failed delivery waiting for its next attempt.
 *
 * @example
 * ```ts
 * expect(consumer.retryQueue[0]).toMatchObject({ attempts: 1, dueAt: 100 });
 * ```
 */
export interface RetryEntry extends QueueEntry {
  /** Virtual time at which it is due. */
  readonly dueAt: number;
}

/**
 * A message given up on.
 *
 * @example
 * ```ts
 * expect(consumer.deadLetterQueue[0]).toMatchObject({ reason: 'retries-exhausted', attempts: 3 });
 * ```
 */
export interface DeadLetterEntry extends QueueEntry {
  /** Virtual time at which it was dead-lettered. */
  readonly deadLetteredAt: number;
}

/** A message the handler completed. */
export interface AckedEntry {
  readonly id: number;
  readonly message: WireMessage;
  readonly payload: unknown;
  readonly eventType: string;
  readonly attempts: number;
  readonly ackedAt: number;
}

/** One delivery attempt (or a poison rejection), in the order they happened. */
export interface DeliveryRecord {
  readonly id: number;
  /** 0 for poison (never handed to the handler). */
  readonly attempt: number;
  readonly at: number;
  readonly eventType: string | undefined;
  readonly outcome: 'acked' | 'retry-scheduled' | 'dead-lettered';
  readonly reason?: DeliveryReason;
  readonly error?: unknown;
}

/** Called with each dead-lettered entry, e.g. to forward it or to count alerts. */
export type DeadLetterCallback = (entry: DeadLetterEntry) => void | Promise<void>;

/**
 * @example
 * ```ts
 * const consumer: ConsumerHarness = consumerHarness(handler, { events: [OrderCreated] });
 * await consumer.receive(Buffer.from('not valid json'));
 * expect(consumer.deadLetterQueue.count()).toBe(1);
 * ```
 *
 * @example
 * ```ts
 * consumerHarness(handler, {
 *   events: [OrderCreated],
 *   retry: { maxAttempts: 5, backoff: { initialMs: 1000, multiplier: 2, maxMs: 60_000 } },
 *   deadLetter: 'orders.dlq',
 *   handlerTimeoutMs: 1000,
 * });
 * ```
 */
export interface ConsumerHarnessOptions<Events extends readonly EventType[]> {
  /** The contracts this consumer accepts; anything else is poison. */
  readonly events: Events;
  readonly retry?: {
    /** Handler attempts before dead-lettering, first delivery included. Default 3. */
    readonly maxAttempts?: number;
    /** Default exponential: 100ms, 200ms, 400ms, … */
    readonly backoff?: Backoff;
  };
  /** The dead-letter queue's name in reports, a callback for each entry, or both. */
  readonly deadLetter?:
    string | DeadLetterCallback | { readonly name?: string; readonly onDeadLetter?: DeadLetterCallback };
  /** A handler that has not settled after this many real milliseconds fails with HandlerTimeoutError. Default 5000. */
  readonly handlerTimeoutMs?: number;
}

/** What `receive` accepts: bytes, text, a wire message, a payload made by `create`, or a plain JSON body. */
export type Receivable = Uint8Array | ArrayBuffer | string | WireMessage | object;

/** A consumer runtime in memory; see {@link consumerHarness}. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- keeps the handler's payload type visible on the harness type
export interface ConsumerHarness<Payload = unknown> {
  /**
   * Delivers one message: decode → validate → handler → ack. Resolves when acked or dead-lettered as
   * poison; rejects with the handler's own error after scheduling a retry or dead-lettering it.
   */
  receive(
    message: Receivable,
    options?: { readonly headers?: Headers; readonly key?: string },
  ): Promise<void>;
  /** Moves virtual time forward, running retries as they fall due. Resolves with the deliveries made. */
  advance(ms: number): Promise<DeliveryRecord[]>;
  /** Runs due retries, moving virtual time as needed, until the retry queue is empty. */
  runRetries(): Promise<DeliveryRecord[]>;
  /** Successful handler completions. */
  readonly processedCount: number;
  readonly acked: DeliveryQueue<AckedEntry>;
  readonly retryQueue: DeliveryQueue<RetryEntry>;
  readonly deadLetterQueue: DeliveryQueue<DeadLetterEntry>;
  /** Every delivery attempt, poison included, in order. */
  readonly history: readonly DeliveryRecord[];
  /** Current virtual time in milliseconds. */
  now(): number;
}

const backoffFunction = (backoff: Backoff | undefined): ((attempt: number) => number) => {
  if (typeof backoff === 'function') return backoff;
  const initialMs = backoff?.initialMs ?? 100;
  const multiplier = backoff?.multiplier ?? 2;
  const maxMs = backoff?.maxMs ?? Number.POSITIVE_INFINITY;
  return (attempt) => Math.min(maxMs, initialMs * multiplier ** (attempt - 1));
};

const encoder = new TextEncoder();

/**
 * A consumer runtime for unit tests: delivers messages to your handler through decode and
 * validation, retries failures with backoff in virtual time, and dead-letters poison at once and
 * failures after `maxAttempts`. "Requeued, not lost" and "poison → DLQ, processed 0" become assertions.
 *
 * @example
 * ```ts
 * // The seed's "Partial Failures"
 * const handler = new OrderHandler({ inventory: failing(inventory, { reserve: 'always' }) });
 * const consumer = consumerHarness(handler, { events: [OrderCreated] });
 * await expect(consumer.receive(OrderCreated.create({ orderId: '1', items }))).rejects.toThrow(InventoryError);
 * expect(consumer.deadLetterQueue.count()).toBe(0);
 * expect(consumer.retryQueue.count()).toBe(1);
 *
 * // The seed's "Poison Messages"
 * await consumer.receive(Buffer.from('not valid json'));
 * expect(consumer.deadLetterQueue.count()).toBe(1);
 * expect(consumer.processedCount).toBe(0);
 * ```
 */
export function consumerHarness<const Events extends readonly EventType[]>(
  handler: ConsumerHandler<PayloadOf<Events[number]>>,
  options: ConsumerHarnessOptions<Events>,
): ConsumerHarness<PayloadOf<Events[number]>> {
  const handle = resolveHandler(handler);
  if (!options || !Array.isArray(options.events) || options.events.length === 0) {
    throw new InvalidArgumentError(
      failure(
        'create a consumer harness',
        'it needs the event contracts the consumer accepts',
        'Pass them: consumerHarness(handler, { events: [OrderCreated] })',
      ),
    );
  }
  const maxAttempts = options.retry?.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidArgumentError(
      failure(
        'create a consumer harness',
        `retry.maxAttempts must be a positive integer, got ${show(maxAttempts)}`,
        'Use e.g. { retry: { maxAttempts: 3 } }',
      ),
    );
  }
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 5000;
  if (!(handlerTimeoutMs > 0)) {
    throw new InvalidArgumentError(
      failure(
        'create a consumer harness',
        `handlerTimeoutMs must be positive, got ${show(handlerTimeoutMs)}`,
        'Use Infinity to wait forever',
      ),
    );
  }
  const backoff = backoffFunction(options.retry?.backoff);
  const deadLetter =
    typeof options.deadLetter === 'object'
      ? options.deadLetter
      : typeof options.deadLetter === 'function'
        ? { onDeadLetter: options.deadLetter }
        : { name: options.deadLetter };
  const registry = eventRegistry(options.events);
  const clock = virtualClock();

  const acked = EntryQueue.named<AckedEntry>('acked');
  const retryQueue = EntryQueue.named<RetryEntry>('retry');
  const deadLetterQueue = EntryQueue.named<DeadLetterEntry>(deadLetter.name ?? 'dead-letter');
  const history: DeliveryRecord[] = [];
  let deliveries = 0;

  const toMessage = (input: Receivable, headers: Headers, key: string | undefined): WireMessage => {
    const made = contractOf(input);
    if (made) {
      try {
        return made.encode(input, { headers, ...(key === undefined ? {} : { key }) });
      } catch {
        // A payload mutated after create(): deliver its JSON so validation dead-letters it like any poison.
        return { value: encoder.encode(JSON.stringify(input)), headers, key };
      }
    }
    if (
      typeof input === 'object' &&
      input !== null &&
      !(input instanceof Uint8Array) &&
      !(input instanceof ArrayBuffer) &&
      !('value' in input && input.value instanceof Uint8Array)
    ) {
      // A plain object stands for the JSON body a producer sent.
      return { value: encoder.encode(JSON.stringify(input) ?? ''), headers, key };
    }
    const message = toWireMessage(input, headers);
    return key === undefined ? message : { ...message, key };
  };

  const deadLetterNow = async (entry: DeadLetterEntry) => {
    deadLetterQueue.push(entry);
    history.push({
      id: entry.id,
      attempt: entry.attempts,
      at: clock.now(),
      eventType: entry.eventType,
      outcome: 'dead-lettered',
      reason: entry.reason,
      error: entry.error,
    });
    await deadLetter.onDeadLetter?.(entry);
  };

  const runHandler = (id: number, payload: unknown, context: DeliveryContext): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer =
        handlerTimeoutMs === Number.POSITIVE_INFINITY
          ? undefined
          : setTimeout(() => {
              reject(
                new HandlerTimeoutError(
                  failure(
                    `handle ${context.eventType} (delivery ${id}, attempt ${context.attempt})`,
                    `the handler did not settle within ${handlerTimeoutMs}ms`,
                    'A dependency may hang: give it a timeout in the code, or raise handlerTimeoutMs',
                  ),
                  handlerTimeoutMs,
                  context.eventType,
                ),
              );
            }, handlerTimeoutMs);
      Promise.resolve()
        .then(() => handle(payload as never, context))
        .then(
          () => resolve(),
          (error: unknown) => reject(error as Error),
        )
        .finally(() => clearTimeout(timer));
    });

  /** One handler attempt. Returns the handler's error, if it failed. */
  const attempt = async (
    id: number,
    message: WireMessage,
    eventType: string,
    attempts: number,
  ): Promise<{ failed: false } | { failed: true; error: unknown }> => {
    const number = attempts + 1;
    // Each attempt decodes the bytes afresh, as a redelivery would: a handler's mutations do not carry over.
    const type = registry.get(eventType) as EventType;
    const payload = type.decode(message);
    try {
      await runHandler(id, payload, {
        eventType,
        attempt: number,
        message,
        headers: message.headers,
        key: message.key,
        now: clock.now(),
      });
    } catch (error) {
      const reason: DeliveryReason =
        error instanceof HandlerTimeoutError ? 'handler-timeout' : 'handler-error';
      if (number >= maxAttempts) {
        await deadLetterNow({
          id,
          message,
          payload,
          eventType,
          reason: 'retries-exhausted',
          attempts: number,
          error,
          deadLetteredAt: clock.now(),
        });
      } else {
        const dueAt = clock.now() + Math.max(0, backoff(number));
        retryQueue.push({ id, message, payload, eventType, reason, attempts: number, error, dueAt });
        history.push({
          id,
          attempt: number,
          at: clock.now(),
          eventType,
          outcome: 'retry-scheduled',
          reason,
          error,
        });
      }
      return { failed: true, error };
    }
    acked.push({ id, message, payload, eventType, attempts: number, ackedAt: clock.now() });
    history.push({ id, attempt: number, at: clock.now(), eventType, outcome: 'acked' });
    return { failed: false };
  };

  const nextDue = (until: number): RetryEntry | undefined => {
    let next: RetryEntry | undefined;
    for (const entry of retryQueue) {
      if (entry.dueAt > until) continue;
      if (!next || entry.dueAt < next.dueAt || (entry.dueAt === next.dueAt && entry.id < next.id))
        next = entry;
    }
    return next;
  };

  const retry = async (entry: RetryEntry): Promise<DeliveryRecord | undefined> => {
    clock.advanceTo(Math.max(clock.now(), entry.dueAt));
    retryQueue.remove(entry);
    await attempt(entry.id, entry.message, entry.eventType as string, entry.attempts);
    return history.at(-1);
  };

  return {
    async receive(input, receiveOptions = {}) {
      const id = ++deliveries;
      const headers = receiveOptions.headers ?? {};
      let message: WireMessage = { value: new Uint8Array(0), headers };
      let eventType: string;
      try {
        message = toMessage(input, headers, receiveOptions.key);
        eventType = registry.decode(message).event.name;
      } catch (error) {
        const reason: DecodeReason = error instanceof DecodeError ? error.reason : 'codec-error';
        const poison =
          error instanceof DecodeError
            ? error
            : new DecodeError(
                failure(
                  'decode a message',
                  error instanceof Error ? error.message : String(error),
                  'Dead-letter it and fix the producer',
                ),
                { reason, raw: message.value, cause: error },
              );
        await deadLetterNow({
          id,
          message,
          eventType: poison.eventType,
          reason,
          attempts: 0,
          error: poison,
          deadLetteredAt: clock.now(),
        });
        return;
      }
      const result = await attempt(id, message, eventType, 0);
      if (result.failed) throw result.error;
    },
    async advance(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms)) {
        throw new InvalidArgumentError(
          failure(
            'advance the consumer harness',
            `ms must be a non-negative number, got ${show(ms)}`,
            'Use e.g. consumer.advance(1000)',
          ),
        );
      }
      const target = clock.now() + ms;
      const made: DeliveryRecord[] = [];
      for (let entry = nextDue(target); entry; entry = nextDue(target)) {
        const record = await retry(entry);
        if (record) made.push(record);
      }
      clock.advanceTo(target);
      return made;
    },
    async runRetries() {
      const made: DeliveryRecord[] = [];
      for (let entry = nextDue(Number.POSITIVE_INFINITY); entry; entry = nextDue(Number.POSITIVE_INFINITY)) {
        const record = await retry(entry);
        if (record) made.push(record);
      }
      return made;
    },
    get processedCount() {
      return acked.length;
    },
    acked,
    retryQueue,
    deadLetterQueue,
    history,
    now: () => clock.now(),
  };
}

function resolveHandler<Payload>(
  handler: ConsumerHandler<Payload>,
): (payload: Payload, context: DeliveryContext) => void | Promise<void> {
  if (typeof handler === 'function') return handler;
  if (typeof handler === 'object' && handler !== null && typeof handler.handle === 'function') {
    return (payload, context) => handler.handle(payload, context);
  }
  throw new InvalidArgumentError(
    failure(
      'create a consumer harness',
      `the handler must be a function or an object with handle(payload, context), got ${show(handler)}`,
      'Pass e.g. new OrderHandler(…) or (event) => …',
    ),
  );
}
