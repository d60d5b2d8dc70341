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
 *
 * Draining a backlog streams through every stored message once, so its size and the cache lines a
 * delivery touches (and dirties, which must be written back) count. Fields are declared in the
 * order V8 lays them out, hot first: a delivery writes `fate`, `deliveries` (the ledger's, just
 * before) and `tag`, so they share a cache line, and reads the fields up to `queue` (V8 drops the
 * loads of fields a handler never reads, such as `exchange`). Nothing is stored that can be derived:
 * the size is the content's length, the position in the queue is the ledger's sequence number, the
 * redelivered flag and the quorum returns share a field, and a message that never expires stores no
 * expiry time (a number field would box one per message).
 */
export class QueuedMessage extends Entry {
  /** Set while delivered and unacked (the channel's unacked window keeps who has it). */
  tag = 0;
  /** Bit 0: redelivered; the bits above: quorum returns (see the accessors). */
  private requeued = 0;
  /** Only what the publisher set; materialised per delivery. */
  readonly properties: StoredProperties;
  readonly content: Buffer;
  readonly queue: SimQueue;
  readonly exchange: string;
  readonly routingKey: string;
  /** Virtual time it expires (per-queue and per-message TTL, the lower wins); undefined if never. */
  readonly expiresAt: number | undefined;

  constructor(
    queue: SimQueue,
    content: Buffer,
    properties: StoredProperties,
    exchange: string,
    routingKey: string,
    order: number,
    /** Infinity if never. */
    expiresAt: number,
  ) {
    super(queue.name);
    this.properties = properties;
    this.content = content;
    this.queue = queue;
    this.exchange = exchange;
    this.routingKey = routingKey;
    // The position is kept in the ledger's sequence number: opening the entry renumbers it, and
    // the ledger numbers messages in the order they are made, as `order` does.
    this.seq = order;
    this.expiresAt = expiresAt === Number.POSITIVE_INFINITY ? undefined : expiresAt;
  }

  /** The ledger's broker: a constant of the model, not a field per message. */
  get broker(): string {
    return 'rabbitmq';
  }

  /** Position in the queue: requeued messages go back where they were. */
  get order(): number {
    return this.seq;
  }

  /** Bytes of content, for x-max-length-bytes. */
  get size(): number {
    return this.content.length;
  }

  /** True once it went back to its queue (a nack or reject with requeue, a closed channel, a lost ack). */
  get redelivered(): boolean {
    return (this.requeued & 1) !== 0;
  }

  set redelivered(value: boolean) {
    this.requeued = value ? this.requeued | 1 : this.requeued & ~1;
  }

  /** Quorum queues: how many times it came back unacknowledged (`x-delivery-count`). */
  get returns(): number {
    return this.requeued >>> 1;
  }

  set returns(value: number) {
    this.requeued = (value << 1) | (this.requeued & 1);
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

const MIN_CAPACITY = 16;

/**
 * A queue: ready messages in order (a ring buffer that doubles when full, so taking from the front
 * and adding at the back never copy, and a long backlog drains without compaction), its consumers
 * in round-robin order, and its counters.
 */
export class SimQueue {
  /** Ready messages at `ring[(head + i) & mask]` for i < count; every other slot is undefined. */
  private ring: (QueuedMessage | undefined)[] = new Array<QueuedMessage | undefined>(MIN_CAPACITY).fill(
    undefined,
  );
  private mask = MIN_CAPACITY - 1;
  private head = 0;
  private count = 0;
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
    return this.count;
  }

  peek(): QueuedMessage | undefined {
    return this.count === 0 ? undefined : this.ring[this.head];
  }

  // Delivery runs inline this: it is kept short (each field read once), because what a run inlines
  // counts against V8's inlining budget (see callHandler in rabbitmq.ts).
  shift(): QueuedMessage | undefined {
    const count = this.count;
    if (count === 0) return undefined;
    const ring = this.ring;
    const head = this.head;
    const message = ring[head]!;
    ring[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.count = count - 1;
    this.readyBytes -= message.content.length;
    if (count === 1) this.drained();
    return message;
  }

  /** A drained backlog gives its memory back; a small ring is kept as it is. */
  private drained(): void {
    if (this.mask >= 1024) this.reset();
  }

  push(message: QueuedMessage): void {
    if (this.count > this.mask) this.grow();
    this.ring[(this.head + this.count) & this.mask] = message;
    this.count++;
    this.readyBytes += message.size;
  }

  /** Puts a requeued message back at its original position (by publish order). */
  insertBySeq(message: QueuedMessage): void {
    if (this.count > this.mask) this.grow();
    const ring = this.ring;
    const mask = this.mask;
    const head = this.head;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ring[(head + mid) & mask]!.order < message.order) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) {
      this.head = (head - 1) & mask;
      ring[this.head] = message;
    } else {
      for (let i = this.count; i > lo; i--) ring[(head + i) & mask] = ring[(head + i - 1) & mask];
      ring[(head + lo) & mask] = message;
    }
    this.count++;
    this.readyBytes += message.size;
  }

  /** Empties the ready list (purge, delete) and returns what was in it. */
  drain(): QueuedMessage[] {
    const out: QueuedMessage[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.head + i) & this.mask]!);
    this.reset();
    return out;
  }

  private reset(): void {
    this.ring = new Array<QueuedMessage | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.head = 0;
    this.count = 0;
    this.readyBytes = 0;
  }

  private grow(): void {
    const old = this.ring;
    const capacity = old.length * 2;
    const ring = new Array<QueuedMessage | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.count; i++) ring[i] = old[(this.head + i) & this.mask];
    this.ring = ring;
    this.mask = capacity - 1;
    this.head = 0;
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
