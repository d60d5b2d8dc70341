import { Entry, type LedgerEntry } from '../ledger.js';
import { tp } from './assignors.js';
import type { KafkaMessage } from './types.js';

/**
 * One record in a partition's log, which is also its ledger entry: one object per retained record
 * (its ledger id is derived, not stored). It keeps the parts of the message; the consumer-facing
 * shape is built by `message` when a consumer reads the record.
 */
export class StoredRecord extends Entry {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: KafkaMessage['headers'];
  /** `timestamp` as the client shows it, made once per send. */
  readonly timestampText: string;

  constructor(
    origin: string,
    readonly offset: number,
    readonly timestamp: number,
    message: KafkaMessage,
  ) {
    super(origin);
    this.key = message.key;
    this.value = message.value;
    this.headers = message.headers;
    this.timestampText = message.timestamp;
  }

  /** The ledger's broker: a constant of the model, not a field per message. */
  get broker(): string {
    return 'kafka';
  }

  /**
   * The record as kafkajs hands it to a consumer: a new object on every read, as a real client
   * decodes every fetch afresh, so a handler that reassigns a field of its message changes no
   * redelivery (the Buffers and the headers object are shared). Built here rather than kept from
   * the send: a retained million messages cost memory, and V8 allocates long-lived literals straight
   * into the old generation (pretenuring), scattered through a fragmented heap, where walking them
   * misses the cache on nearly every record. `offsetText` is the partition's (`Partition.offsetTexts`).
   */
  message(offsetText: string): KafkaMessage {
    return {
      key: this.key,
      value: this.value,
      headers: this.headers,
      timestamp: this.timestampText,
      offset: offsetText,
      attributes: 0,
      size: 0,
    };
  }

  /** The ledger entry: the record itself, so a delivery or a commit needs no lookup. */
  get entry(): LedgerEntry {
    return this;
  }
}

/** What the broker remembers per idempotent producer and partition: the last batch it appended. */
interface ProducerState {
  lastSequence: number;
  lastBaseOffset: number;
}

/**
 * A partition's log. Expired records are dropped from the head by moving `head` instead of
 * shifting the array; the array is compacted only once the dead prefix is large.
 */
export class Partition {
  records: StoredRecord[] = [];
  /**
   * `offset` as the client shows it, beside `records` at the same index. Kept here rather than in
   * each record: strings a record points to are promoted with it, among its Buffers, so a handler
   * reading `message.offset` missed the cache on nearly every record (measured 120 bytes apart);
   * held by one array, they are promoted in its order, next to each other.
   */
  offsetTexts: string[] = [];
  head = 0;
  /** Offset of `records[0]`. */
  baseOffset = 0;
  /** `topic/partition`, built once: the ledger origin and trace location. */
  readonly where: string;
  producers: Map<number, ProducerState> | undefined;

  constructor(
    readonly topic: Topic,
    readonly index: number,
    /** Number of this partition in its Kafka model (0, 1, 2, … across topics): indexes per-group tables. */
    readonly uid: number,
  ) {
    this.where = tp(topic.name, index);
  }

  /** The first offset still in the log. */
  get logStartOffset(): number {
    return this.baseOffset + this.head;
  }

  /** The offset the next record will get (the high watermark: one node, so every record is replicated). */
  get highWatermark(): number {
    return this.baseOffset + this.records.length;
  }

  at(offset: number): StoredRecord | undefined {
    return offset < this.logStartOffset ? undefined : this.records[offset - this.baseOffset];
  }

  append(record: StoredRecord, offsetText: string): void {
    this.records.push(record);
    this.offsetTexts.push(offsetText);
  }

  /** `offset` as the client shows it, for a record still in the log. */
  offsetText(offset: number): string {
    return this.offsetTexts[offset - this.baseOffset]!;
  }

  /** Drops the head record (retention). */
  dropHead(): StoredRecord | undefined {
    const record = this.records[this.head];
    if (!record) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.offsetTexts = this.offsetTexts.slice(this.head);
      this.baseOffset += this.head;
      this.head = 0;
    }
    return record;
  }

  /** The first offset whose record has a timestamp at or after `timestamp`, or the high watermark. */
  offsetForTimestamp(timestamp: number): number {
    for (let i = this.head; i < this.records.length; i++)
      if (this.records[i]!.timestamp >= timestamp) return this.baseOffset + i;
    return this.highWatermark;
  }

  /** For an idempotent producer: the base offset of an earlier append of this very batch, if any. */
  duplicateOf(producerId: number, baseSequence: number): number | undefined {
    const state = this.producers?.get(producerId);
    return state && baseSequence <= state.lastSequence ? state.lastBaseOffset : undefined;
  }

  rememberSequence(producerId: number, lastSequence: number, baseOffset: number): void {
    (this.producers ??= new Map()).set(producerId, { lastSequence, lastBaseOffset: baseOffset });
  }
}

/** A group's offset per partition (committed, or where it started): an array by partition uid, not a Map. */
export class OffsetTable {
  /**
   * Holey from the start (`new Array(0)`): partitions are set in any order, and a table that began
   * packed turned holey at its first gap, a change of map that threw away the delivery run compiled
   * for the previous simulation's tables.
   */
  private readonly offsets: (number | undefined)[] = new Array<number | undefined>(0);

  get(p: Partition): number | undefined {
    return this.offsets[p.uid];
  }

  set(p: Partition, offset: number): void {
    this.offsets[p.uid] = offset;
  }
}

export class Topic {
  readonly partitions: Partition[];
  /** Pending retention check, so at most one is scheduled per topic. */
  expiryAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly name: string,
    partitions: number,
    readonly retentionMs: number,
    /** The model-wide number of this topic's partition 0: partitions key offset tables by it. */
    firstUid: number,
  ) {
    this.partitions = [];
    for (let i = 0; i < partitions; i++) this.partitions.push(new Partition(this, i, firstUid + i));
  }

  /** When the oldest retained record expires, or +∞. */
  nextExpiry(): number {
    if (!Number.isFinite(this.retentionMs)) return Number.POSITIVE_INFINITY;
    let at = Number.POSITIVE_INFINITY;
    for (const p of this.partitions) {
      const head = p.records[p.head];
      if (head && head.timestamp + this.retentionMs < at) at = head.timestamp + this.retentionMs;
    }
    return at;
  }
}
