import { Entry } from '../ledger.js';
import type { Task } from '../scheduler.js';
import type { QueueConfig } from './options.js';
import type { StoredProperties } from './properties.js';
import type { SimAmqpMessage } from './types.js';
import type { UnackedWindow } from './unacked.js';

/**
 * One copy of a message in one queue: what the broker stores, never handed to user code. It is its
 * own ledger entry (`fate`, `deliveries`, `id`), as the Kafka log's records are: one object per copy
 * instead of two, and no id string made per publish — every delivery touches both.
 */
export class QueuedMessage extends Entry {
  readonly size: number;
  redelivered = false;
  /** Quorum queues: how many times it came back unacknowledged (`x-delivery-count`). */
  returns = 0;
  /** Set while delivered and unacked. */
  tag = 0;
  holder: ChannelState | undefined = undefined;
  consumer: Consumer | undefined = undefined;

  constructor(
    readonly queue: SimQueue,
    readonly content: Buffer,
    /** Only what the publisher set; materialised per delivery. */
    public properties: StoredProperties,
    readonly exchange: string,
    readonly routingKey: string,
    /** Position in the queue: requeued messages go back where they were. */
    readonly order: number,
    /** Virtual time it expires (per-queue and per-message TTL, the lower wins); Infinity if never. */
    readonly expiresAt: number,
  ) {
    super('rabbitmq', queue.name);
    this.size = content.length;
  }
}

/** What the broker keeps per channel; the public channel object is a thin amqplib-shaped face over it. */
export interface ChannelState {
  readonly id: number;
  readonly label: string;
  /** Delivered, not yet settled, by delivery tag (insertion order is tag order). */
  readonly unacked: UnackedWindow;
  /** Tags whose message came back when a fault broke the channel: a late ack of them is ignored. */
  readonly stale: Set<number>;
  readonly consumers: Map<string, Consumer>;
  lastTag: number;
  /** Per-consumer prefetch for consumers created from now on (basic.qos global=false). */
  prefetch: number;
  /** Channel-wide prefetch (basic.qos global=true); 0 = none. */
  globalPrefetch: number;
  closed: string | undefined;
}

export interface Consumer {
  readonly tag: string;
  readonly queue: SimQueue;
  readonly holder: ChannelState;
  readonly exclusive: boolean;
  readonly onMessage: (message: SimAmqpMessage | null) => unknown;
  readonly noAck: boolean;
  /** Most unacked deliveries at once; 0 means unlimited (RabbitMQ's default). */
  readonly prefetch: number;
  unacked: number;
  /** For `sim.track` labels, built once. */
  readonly label: string;
}

/**
 * A queue: ready messages in order (an array with a moving head, so taking from the front is O(1)),
 * its consumers in round-robin order, and its counters.
 */
export class SimQueue {
  private items: QueuedMessage[] = [];
  private head = 0;
  readyBytes = 0;
  unacked = 0;
  readonly consumers: Consumer[] = [];
  /** Round-robin position among consumers. */
  rr = 0;
  /** A delay fault or an outage holds deliveries until this time. */
  pausedUntil = 0;
  wake: Task | undefined;
  expiry: Task | undefined;
  /** In the broker's list of queues that may have something to deliver. */
  listed = false;
  deleted = false;
  /** Some message ever had a finite expiry: only then is the head checked. */
  expires: boolean;

  constructor(
    readonly name: string,
    readonly config: QueueConfig,
  ) {
    this.expires = config.messageTtl !== undefined;
  }

  get ready(): number {
    return this.items.length - this.head;
  }

  peek(): QueuedMessage | undefined {
    return this.items[this.head];
  }

  shift(): QueuedMessage | undefined {
    const message = this.items[this.head];
    if (message === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as QueuedMessage;
    this.readyBytes -= message.size;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return message;
  }

  push(message: QueuedMessage): void {
    this.items.push(message);
    this.readyBytes += message.size;
  }

  /** Puts a requeued message back at its original position (by publish order). */
  insertBySeq(message: QueuedMessage): void {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.order < message.order) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.head && this.head > 0) this.items[--this.head] = message;
    else this.items.splice(lo, 0, message);
    this.readyBytes += message.size;
  }

  /** Empties the ready list (purge, delete) and returns what was in it. */
  drain(): QueuedMessage[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.readyBytes = 0;
    return out;
  }

  /** The next consumer in round-robin order that may take one more message. */
  nextConsumer(globalFull: (holder: ChannelState) => boolean): Consumer | undefined {
    const n = this.consumers.length;
    for (let i = 0; i < n; i++) {
      const index = (this.rr + i) % n;
      const consumer = this.consumers[index]!;
      if ((consumer.prefetch === 0 || consumer.unacked < consumer.prefetch) && !globalFull(consumer.holder)) {
        this.rr = (index + 1) % n;
        return consumer;
      }
    }
    return undefined;
  }
}
