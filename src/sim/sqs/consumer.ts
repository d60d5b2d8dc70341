import type { Task } from '../scheduler.js';
import { configError } from './errors.js';
import { SQS_LIMITS } from './options.js';
import { ReceivedMessage } from './message.js';
import { State, type SimQueue, type StoredMessage, type Waiter } from './queue.js';
import { receiveView, type ReceiveView, type SimSqs } from './sqs.js';
import type { Message } from './types.js';

/**
 * Handles one message; returning or resolving deletes it, throwing leaves it to reappear.
 *
 * @example
 * ```ts
 * const handler: MessageHandler = async (message) => orders.apply(JSON.parse(message.Body));
 * ```
 */
export type MessageHandler = (message: Message) => unknown;
/**
 * Handles a batch; resolving deletes them all, or only the messages it returns (an array).
 *
 * @example
 * ```ts
 * const handler: BatchMessageHandler = (messages) => messages.filter((m) => process(m.Body));
 * ```
 */
export type BatchMessageHandler = (messages: Message[]) => unknown;

/**
 * Options of `sqs.consume`, named after the `sqs-consumer` package's.
 *
 * @example
 * ```ts
 * sqs.consume(QueueUrl, handler, { batchSize: 10, visibilityTimeout: 60, terminateVisibilityTimeout: true });
 * ```
 */
export interface ConsumeOptions {
  /** Messages per receive, 1..10. Default 1. */
  readonly batchSize?: number;
  /** Seconds; default the queue's VisibilityTimeout. */
  readonly visibilityTimeout?: number;
  /** Long-poll seconds, 0..20. Default 20. The model parks an idle consumer instead of re-polling, so idle runs end. */
  readonly waitTimeSeconds?: number;
  /** Only delete messages the handler returns (sqs-consumer ≥ 8's default). Default true: delete on success. */
  readonly alwaysAcknowledge?: boolean;
  /** On a handler error, make the message visible again at once (true) or after this many seconds. */
  readonly terminateVisibilityTimeout?: boolean | number;
  readonly attributeNames?: readonly string[];
  readonly messageAttributeNames?: readonly string[];
  /** Shown in the trace. Default `consumer-<n>`. */
  readonly name?: string;
}

/**
 * A running consumer. `stop()` ends polling after the batch in hand; `crash()` dies at once, so the
 * messages it holds are never deleted and reappear after their visibility timeout.
 *
 * @example
 * ```ts
 * const consumer = sqs.consume(QueueUrl, handler);
 * await sim.advance(1_000);
 * consumer.crash();
 * ```
 */
export class SqsConsumer {
  readonly name: string;
  /** Messages whose handler succeeded (deleted or not, e.g. after a crash-before-ack fault). */
  processed = 0;
  /** Handler failures, with what was thrown (any value, not only Errors). */
  readonly errors: { readonly messageId: string; readonly error: unknown }[] = [];
  #running = true;
  #generation = 0;
  readonly #batch: boolean;
  readonly #max: number;
  readonly #visibilityMs: number;
  readonly #view: ReceiveView;
  readonly #buffer: StoredMessage[] = [];
  readonly #waiter: Waiter;
  readonly #poll = () => this.#pollRun();
  /** True while `#pollRun` receives: `#next` then asks it to go on instead of scheduling a poll. */
  #looping = false;
  /** Set by `#next` during a run: every handler of the batch completed, the consumer polls again. */
  #again = false;
  /** The poll task's label, made once: a consumer schedules a poll per receive. */
  readonly #pollLabel: string;
  #pollTask: Task | undefined;
  #parked = false;
  /**
   * Nothing is traced, a receive asks for no attributes and a handler's return does not decide the
   * delete: then, while no fault is active, a receive and each delete take the fused paths
   * (`SimQueue.takeInHand`, and the success branch inlined in `#handleEach`).
   */
  readonly #quiet: boolean;

  constructor(
    private readonly sqs: SimSqs,
    private readonly queue: SimQueue,
    private readonly handler: (input: never) => unknown,
    private readonly options: ConsumeOptions & { readonly handleMessageBatch?: boolean },
  ) {
    const action = `start a consumer on '${queue.name}'`;
    if (typeof handler !== 'function')
      throw configError(
        'InvalidParameterValue',
        action,
        'the handler is not a function',
        'Pass (message) => …, or (messages) => … with handleMessageBatch: true',
      );
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > SQS_LIMITS.maxBatchEntries) {
      throw configError(
        'InvalidParameterValue',
        action,
        `batchSize must be an integer from 1 to 10, got ${String(batchSize)}`,
        'SQS returns at most 10 messages per receive',
      );
    }
    const visibility = options.visibilityTimeout ?? queue.config.visibilityMs / 1000;
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > SQS_LIMITS.maxVisibilitySeconds) {
      throw configError(
        'InvalidParameterValue',
        action,
        `visibilityTimeout must be an integer from 0 to 43200 seconds, got ${String(visibility)}`,
        'Use at most 12 hours',
      );
    }
    const wait = options.waitTimeSeconds ?? 20;
    if (!Number.isInteger(wait) || wait < 0 || wait > SQS_LIMITS.maxWaitSeconds) {
      throw configError(
        'InvalidParameterValue',
        action,
        `waitTimeSeconds must be an integer from 0 to 20, got ${String(wait)}`,
        'Long-poll for at most 20 seconds',
      );
    }
    this.name = options.name ?? `consumer-${sqs.nextConsumerNumber()}`;
    this.#pollLabel = `${this.name} poll`;
    this.#batch = options.handleMessageBatch === true;
    this.#max = batchSize;
    this.#visibilityMs = visibility * 1000;
    this.#view = receiveView({
      AttributeNames: options.attributeNames,
      MessageAttributeNames: options.messageAttributeNames,
    });
    this.#quiet =
      !sqs.tracing &&
      this.#view.system === undefined &&
      this.#view.custom === undefined &&
      options.alwaysAcknowledge !== false;
    this.#waiter = {
      // The consumer parks itself again when it finds nothing, so the queue never keeps it.
      serve: () => {
        this.#parked = false;
        this.#pollOnce();
        return true;
      },
    };
    this.#pollTask = sqs.sim.schedule(0, this.#pollLabel, this.#poll);
  }

  get running(): boolean {
    return this.#running;
  }

  /** Stops polling; handlers already running finish and their messages are deleted. */
  stop(): void {
    this.#halt();
  }

  /** Dies now: running handlers' outcomes are ignored, their messages reappear after the visibility timeout. */
  crash(): void {
    this.#generation++;
    this.#halt();
    this.queue.trace(
      'fault',
      undefined,
      `${this.name} crashed: its in-flight messages reappear after the visibility timeout`,
    );
  }

  #halt(): void {
    this.#running = false;
    if (this.#pollTask) this.sqs.sim.cancel(this.#pollTask);
    this.#pollTask = undefined;
    if (this.#parked) this.queue.unpark(this.#waiter);
    this.#parked = false;
  }

  /**
   * The poll task: receives, and while every handler of a batch completes synchronously, receives
   * again in the same step instead of scheduling a poll at delay 0 — but only when that poll would
   * have been the very next step anyway (`Simulation.nextStepIsOurs`), so every other task, consumer and
   * waiter interleaves exactly as before, and for at most `RECEIVES_PER_STEP` receives, so a handler
   * that feeds its own queue cannot freeze the world.
   */
  #pollRun(): void {
    this.#looping = true;
    try {
      for (let budget = RECEIVES_PER_STEP; ;) {
        this.#again = false;
        this.#pollOnce();
        if (!this.#again) return;
        if (--budget === 0 || !this.sqs.sim.nextStepIsOurs()) {
          this.#pollTask = this.sqs.sim.schedule(0, this.#pollLabel, this.#poll);
          return;
        }
      }
    } finally {
      this.#looping = false;
      this.#again = false;
    }
  }

  /** One receive; false (and parked) when the queue had nothing. */
  #pollOnce(): boolean {
    this.#pollTask = undefined;
    if (!this.#running) return true;
    const { queue } = this;
    const sim = this.sqs.sim;
    if (queue.deleted) {
      queue.trace('error', undefined, `${this.name} stopped: the queue was deleted`);
      this.#running = false;
      return true;
    }
    if (sim.faults.active.length > 0) {
      const down = sim.faults.unavailableUntil('sqs', queue.name, sim.now());
      if (down !== undefined) {
        queue.trace('fault', undefined, `unavailable until ${down}ms: ${this.name} stalls`);
        this.#pollTask = sim.schedule(down - sim.now(), this.#pollLabel, this.#poll);
        return true;
      }
    }
    const buffer = this.#buffer;
    const n =
      this.#quiet && sim.faults.active.length === 0
        ? queue.takeInHand(buffer, this.#max, this.#visibilityMs)
        : this.sqs.takeForConsumer(queue, buffer, this.#max, this.#visibilityMs);
    // A batch handler deletes through the timeline: its messages go in at once.
    if (this.#batch) queue.settleHand();
    if (n === 0) {
      if (!this.#parked) {
        this.#parked = true;
        queue.park(this.#waiter);
      }
      return false;
    }
    try {
      if (this.#batch) this.#handleBatch(n);
      else this.#handleEach(n);
    } finally {
      // The messages whose handlers did not delete them now (failed, async, crashed) go into the
      // timeline; a no-op after the non-quiet take.
      queue.settleHand();
    }
    return true;
  }

  #handleEach(n: number): void {
    const buffer = this.#buffer;
    const generation = this.#generation;
    const queue = this.queue;
    const handler = this.handler as MessageHandler;
    const faults = this.sqs.sim.faults;
    const quiet = this.#quiet;
    let pending = 0;
    // Made only when a handler returns a promise: a sync handler's batch allocates no closure.
    let settleOne: (() => void) | undefined;
    for (let i = 0; i < n; i++) {
      const stored = buffer[i]!;
      const receipt = stored.receipt;
      // messageFor() with no attributes asked for, without the two calls.
      const message = quiet
        ? new ReceivedMessage(stored, queue, undefined, undefined)
        : this.sqs.messageFor(queue, stored, this.#view);
      let result: unknown;
      try {
        result = handler(message);
      } catch (error) {
        this.#failed(stored, receipt, error, generation);
        continue;
      }
      if (result !== undefined && isThenable(result)) {
        pending++;
        settleOne ??= () => {
          if (--pending === 0) this.#next(generation);
        };
        const settle = settleOne;
        const done = Promise.resolve(result).then(
          (value) => {
            this.#succeeded(
              stored,
              receipt,
              this.options.alwaysAcknowledge === false ? value === message : true,
              generation,
            );
            settle();
          },
          (error: unknown) => {
            this.#failed(stored, receipt, error, generation);
            settle();
          },
        );
        void this.sqs.sim.track(done, `${this.name} handler for ${stored.ledgerId}`);
      } else if (
        quiet &&
        faults.active.length === 0 &&
        generation === this.#generation &&
        stored.state === State.InFlight &&
        stored.receipt === receipt
      ) {
        // #succeeded() → deleteStored() → SimQueue.delete() for the common case, untraced: not
        // crashed, no fault to draw, and the receive still current (so the delete is valid on
        // either queue type).
        this.processed++;
        queue.removeFromHand(stored);
        stored.entry.fate = 'acked';
      } else {
        this.#succeeded(
          stored,
          receipt,
          this.options.alwaysAcknowledge === false ? result === message : true,
          generation,
        );
      }
    }
    // The buffer is not cleared: the next receive writes over it, and only its first `n` are read.
    if (pending === 0) this.#next(generation);
  }

  #handleBatch(n: number): void {
    const buffer = this.#buffer;
    const generation = this.#generation;
    const stored = buffer.slice(0, n);
    const receipts = stored.map((s) => s.receipt);
    const messages = stored.map((s) => this.sqs.messageFor(this.queue, s, this.#view));
    buffer.length = 0;
    const finish = (result: unknown) => {
      const acked = Array.isArray(result) ? new Set(result as unknown[]) : undefined;
      for (let i = 0; i < stored.length; i++) {
        const ok = acked ? acked.has(messages[i]) : this.options.alwaysAcknowledge !== false;
        this.#succeeded(stored[i]!, receipts[i]!, ok, generation);
      }
      this.#next(generation);
    };
    const fail = (error: unknown) => {
      for (let i = 0; i < stored.length; i++) this.#failed(stored[i]!, receipts[i]!, error, generation);
      this.#next(generation);
    };
    let result: unknown;
    try {
      result = (this.handler as BatchMessageHandler)(messages);
    } catch (error) {
      fail(error);
      return;
    }
    if (isThenable(result))
      void this.sqs.sim.track(
        Promise.resolve(result).then(finish, fail),
        `${this.name} batch handler for ${stored.map((s) => s.ledgerId).join(',')}`,
      );
    else finish(result);
  }

  #succeeded(stored: StoredMessage, receipt: number, acknowledge: boolean, generation: number): void {
    if (generation !== this.#generation) return; // crashed while the handler ran
    this.processed++;
    if (!acknowledge) {
      this.queue.trace('nack', stored, `${this.name}: handler did not return the message, it is not deleted`);
      return;
    }
    const sim = this.sqs.sim;
    if (sim.faults.active.length > 0) {
      if (sim.faults.fires('crash-before-ack', 'sqs', this.queue.name)) {
        this.queue.trace(
          'fault',
          stored,
          `${this.name} crashed before deleting: the message reappears after the visibility timeout`,
        );
        return;
      }
      const down = sim.faults.unavailableUntil('sqs', this.queue.name, sim.now());
      if (down !== undefined) {
        this.queue.trace(
          'fault',
          stored,
          `unavailable until ${down}ms: delete failed, the message reappears after the visibility timeout`,
        );
        return;
      }
    }
    try {
      this.sqs.deleteStored(this.queue, stored, receipt, `delete a message from '${this.queue.name}'`);
    } catch (error) {
      // FIFO: the receipt expired while the handler ran; the message was (or will be) received again.
      this.queue.trace(
        'error',
        stored,
        `${this.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  #failed(stored: StoredMessage, receipt: number, error: unknown, generation: number): void {
    if (generation !== this.#generation) return;
    this.errors.push({ messageId: stored.messageId, error });
    const reason = reasonOf(error);
    this.queue.trace('nack', stored, `${this.name}: handler failed (${reason})`);
    const terminate = this.options.terminateVisibilityTimeout;
    if (
      terminate !== undefined &&
      terminate !== false &&
      stored.state === State.InFlight &&
      stored.receipt === receipt
    ) {
      this.queue.changeVisibility(stored, terminate === true ? 0 : terminate * 1000);
    }
  }

  #next(generation: number): void {
    if (!this.#running || generation !== this.#generation || this.#pollTask !== undefined) return;
    if (this.#looping) {
      this.#again = true;
      return;
    }
    this.#pollTask = this.sqs.sim.schedule(0, this.#pollLabel, this.#poll);
  }
}

/** Receives one poll step may make before it yields to the scheduler. */
const RECEIVES_PER_STEP = 1_000;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value instanceof Promise ||
  (value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function');

/**
 * What a handler threw, for the trace: never throws itself, whatever was thrown (an object whose
 * `toString` and `toJSON` throw, a revoked proxy), since a throw here would stop the consumer.
 */
function reasonOf(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    if (typeof error === 'string') return `threw '${error}'`;
    try {
      return `threw ${JSON.stringify(error) ?? String(error)}`;
    } catch {
      return `threw ${String(error)}`;
    }
  } catch {
    return 'threw a value that cannot be printed';
  }
}
