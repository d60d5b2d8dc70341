import { EventproofError, failure } from '../../errors.js';
import type { BrokerCapabilities } from '../capabilities.js';
import type { LedgerEntry } from '../ledger.js';
import type { Task } from '../scheduler.js';
import type { TraceKind } from '../trace.js';
import type { Simulation } from '../world.js';
import { KafkaAdmin } from './admin.js';
import { assign, tp } from './assignors.js';
import { SimConsumer } from './consumer.js';
import type { Partition } from './log.js';
import { OffsetTable, StoredRecord, Topic } from './log.js';
import {
  unknownTopic,
  validateConsumerOptions,
  validateKafkaOptions,
  validateProducerOptions,
  validateTopic,
  type AssignorName,
  type ConsumerOptions,
  type ProducerOptions,
  type SimKafkaOptions,
  type TopicOptions,
} from './options.js';
import { SimProducer } from './producer.js';
import type {
  Batch,
  EachBatchPayload,
  EachMessagePayload,
  KafkaMessage,
  PartitionLag,
  RebalanceRecord,
  StoredRecordView,
} from './types.js';

/**
 * What the Kafka model guarantees: order per partition (so per key), replay from offsets,
 * deduplication only through the idempotent producer, expiry through retention; no broker-side
 * dead-letter and no delivery count.
 *
 * @example
 * ```ts
 * if (kafkaCapabilities.replay) await replayFromStart(kafka);
 * ```
 */
export const kafkaCapabilities: BrokerCapabilities = {
  broker: 'kafka',
  perKeyOrder: true,
  nativeDeadLetter: false,
  redeliveryCount: false,
  replay: true,
  deduplication: true,
  expiry: true,
};

const BROKER = 'kafka';
/** Deliveries one scheduler step may make before yielding, so a handler that feeds itself cannot freeze the world. */
const STEP_BUDGET = 10_000;
const MAX_RETRY_MS = 30_000;
const noopHeartbeat = (): Promise<void> => Promise.resolve();

/** @internal A member of a consumer group: one incarnation of a consumer (a crash and restart makes a new one). */
export class Member {
  cursors: Cursor[] = [];
  alive = true;
  fetching = true;
  leaving = false;
  inFlight = 0;
  commitTask: Task | undefined;
  onLeft: (() => void) | undefined;

  constructor(
    readonly id: string,
    readonly order: number,
    readonly group: Group,
    readonly consumer: SimConsumer,
  ) {}
}

/** @internal A member's hold on one partition: where it reads, what it processed, what is in flight. */
export class Cursor {
  inFlight = false;
  /** Bumped when the hold ends (revoked, crash): a handler settling with an older epoch is stale. */
  epoch = 0;
  paused = false;
  heldUntil = 0;
  failures = 0;
  /** Next offset to commit (processed up to here); -1 when nothing new was processed. */
  resolved = -1;
  /** A record already held back once by a delay fault, so delays cannot chain forever. */
  delayed = -1;
  /** Set by `resolveOffset` inside `eachBatch`. */
  batchResolved = -1;
  private pauseFn: (() => () => void) | undefined;

  constructor(
    readonly member: Member,
    readonly partition: Partition,
    readonly key: string,
    public position: number,
  ) {}

  get pause(): () => () => void {
    return (this.pauseFn ??= () => {
      const target = [{ topic: this.partition.topic.name, partitions: [this.partition.index] }];
      this.member.consumer.pause(target);
      return () => this.member.consumer.resume(target);
    });
  }
}

/** @internal */
export class Group {
  members: Member[] = [];
  generation = 0;
  readonly committed = new OffsetTable();
  /** Where the group first started reading a partition it had no commit for (see docs: a reset is remembered). */
  readonly started = new OffsetTable();
  readonly rebalances: RebalanceRecord[] = [];
  pendingRebalance: Task | undefined;
  /** Bumped by every change to `committed`: lets a delivery run know the last commit was its own. */
  commits = 0;

  constructor(
    readonly id: string,
    public assignor: AssignorName,
  ) {}
}

/**
 * The Kafka model: topics of partitioned logs, the Java client's key partitioner, consumer groups
 * with rebalances, offsets and commits, retention, acks and the idempotent producer — kafkajs-shaped.
 * Create it with {@link simKafka}.
 *
 * @example
 * ```ts
 * const kafka = simKafka(createSimulation({ seed: 1 }));
 * kafka.createTopic('orders', { partitions: 3 });
 * ```
 */
export class SimKafka {
  /** @internal */ readonly topics = new Map<string, Topic>();
  /** @internal */ readonly groups = new Map<string, Group>();
  /** @internal */ readonly tracing: boolean;
  /** @internal */ readonly options: Required<SimKafkaOptions>;
  /** Every live cursor of every group, in a stable order: the candidates for the next delivery. */
  private cursors: Cursor[] = [];
  private readonly ready: Cursor[] = [];
  private pumpTask: Task | undefined;
  private wakeTask: Task | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private pumping = false;
  /** Bumped by anything that can make another partition deliverable; lets the pump skip rescans. */
  private changes = 0;
  private memberSeq = 0;
  private producerSeq = 0;
  private partitionSeq = 0;
  private readonly pumpBound = () => this.pump();
  private readonly wakeBound = () => {
    this.wakeTask = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
    this.pump();
  };

  constructor(
    /** @internal */ readonly sim: Simulation,
    options: SimKafkaOptions = {},
  ) {
    this.options = validateKafkaOptions(options);
    // The world keeps its trace switch private; reading it here spares a trace object per delivery when off.
    this.tracing = sim.trace.enabled;
  }

  // ── Topics ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Creates a topic. Creating an existing topic again with the same partition count is a no-op.
   *
   * @example
   * ```ts
   * kafka.createTopic('orders', { partitions: 3, retentionMs: 3_600_000 });
   * ```
   */
  createTopic(name: string, options: TopicOptions = {}): void {
    const { partitions, retentionMs } = validateTopic(name, {
      ...options,
      partitions: options.partitions ?? this.options.defaultPartitions,
    });
    const existing = this.topics.get(name);
    if (existing) {
      if (existing.partitions.length !== partitions) {
        throw new EventproofError(
          'SIM_CONFIG',
          failure(
            `create topic '${name}'`,
            `it exists with ${existing.partitions.length} partitions, not ${partitions}`,
            'Use one partition count per topic, or another topic name',
          ),
        );
      }
      return;
    }
    this.topics.set(name, new Topic(name, partitions, retentionMs, this.partitionSeq));
    this.partitionSeq += partitions;
  }

  /** kafkajs-shaped admin client: createTopics, fetchTopicOffsets(ByTimestamp), fetchOffsets, setOffsets, resetOffsets. */
  admin(): KafkaAdmin {
    return new KafkaAdmin(this);
  }

  /**
   * A kafkajs-shaped producer.
   *
   * @example
   * ```ts
   * const producer = kafka.producer({ idempotent: true });
   * await producer.connect();
   * await producer.send({ topic: 'orders', messages: [{ key: 'o-1', value: JSON.stringify(order) }] });
   * ```
   */
  producer(options: ProducerOptions = {}): SimProducer {
    return new SimProducer(this, validateProducerOptions(options), ++this.producerSeq);
  }

  /**
   * A kafkajs-shaped consumer in a consumer group.
   *
   * @example
   * ```ts
   * const consumer = kafka.consumer({ groupId: 'billing' });
   * await consumer.connect();
   * await consumer.subscribe({ topic: 'orders', fromBeginning: true });
   * await consumer.run({ eachMessage: async ({ message }) => bill(message.value!.toString()) });
   * ```
   */
  consumer(options: ConsumerOptions): SimConsumer {
    return new SimConsumer(this, validateConsumerOptions(options));
  }

  // ── Inspection ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Consumer lag of a group on a topic: per partition, the high watermark minus the committed offset.
   *
   * @example
   * ```ts
   * await sim.runUntilIdle();
   * expect(kafka.lag('billing', 'orders').total).toBe(0);
   * ```
   */
  lag(groupId: string, topic: string): { total: number; partitions: PartitionLag[] } {
    const t = this.topic(topic, 'read consumer lag');
    const group = this.groups.get(groupId);
    let total = 0;
    const partitions = t.partitions.map((p) => {
      const start = p.logStartOffset;
      const committed = group?.committed.get(p) ?? group?.started.get(p) ?? start;
      const lag = Math.max(0, p.highWatermark - Math.max(committed, start));
      total += lag;
      return { partition: p.index, committed, highWatermark: p.highWatermark, logStartOffset: start, lag };
    });
    return { total, partitions };
  }

  /**
   * The group's committed offset per partition of a topic (index = partition), -1 where it has none.
   *
   * @example
   * ```ts
   * expect(kafka.committedOffsets('billing', 'orders')).toEqual([3, 0, 5]);
   * ```
   */
  committedOffsets(groupId: string, topic: string): number[] {
    const t = this.topic(topic, 'read committed offsets');
    const group = this.groups.get(groupId);
    return t.partitions.map((p) => group?.committed.get(p) ?? -1);
  }

  /**
   * The records a partition retains, oldest first, with the simulation's message ids.
   *
   * @example
   * ```ts
   * expect(kafka.records('orders', 0).map((r) => r.key)).toEqual(['o-1', 'o-1']);
   * ```
   */
  records(topic: string, partition: number): StoredRecordView[] {
    const p = this.partitionOf(topic, partition, 'read records');
    const out: StoredRecordView[] = [];
    for (let i = p.head; i < p.records.length; i++) {
      const r = p.records[i]!;
      out.push({
        id: r.entry.id,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
      });
    }
    return out;
  }

  /** Log start and end (high watermark) of every partition of a topic. */
  offsets(topic: string): { partition: number; low: number; high: number }[] {
    return this.topic(topic, 'read offsets').partitions.map((p) => ({
      partition: p.index,
      low: p.logStartOffset,
      high: p.highWatermark,
    }));
  }

  /**
   * Current assignment of a group: member id → `topic/partition` list.
   *
   * @example
   * ```ts
   * expect(Object.values(kafka.assignment('billing')).flat()).toHaveLength(3);
   * ```
   */
  assignment(groupId: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const m of this.groups.get(groupId)?.members ?? [])
      if (m.alive) out[m.id] = m.cursors.map((c) => c.key);
    return out;
  }

  /** Every rebalance the group went through, oldest first. */
  rebalances(groupId: string): readonly RebalanceRecord[] {
    return this.groups.get(groupId)?.rebalances ?? [];
  }

  // ── Internals used by the producer, consumer and admin ────────────────────────────────────────

  /** @internal */
  topic(name: string, action: string): Topic {
    const t = this.topics.get(name);
    if (t) return t;
    if (this.options.allowAutoTopicCreation && typeof name === 'string') {
      this.createTopic(name);
      return this.topics.get(name)!;
    }
    throw unknownTopic(name, action);
  }

  /** @internal */
  partitionOf(topic: string, partition: number, action: string): Partition {
    const t = this.topic(topic, action);
    const p = t.partitions[partition];
    if (!p || !Number.isInteger(partition)) {
      throw new EventproofError(
        'SIM_UNKNOWN_TARGET',
        failure(
          action,
          `topic '${topic}' has no partition ${String(partition)}`,
          `Use a partition from 0 to ${t.partitions.length - 1}`,
        ),
      );
    }
    return p;
  }

  /** @internal Appends one record; the ledger opens it and consumers are woken. */
  append(p: Partition, message: KafkaMessage, timestamp: number, detail: string | undefined): StoredRecord {
    const offset = p.highWatermark;
    const record = this.sim.ledger.add(new StoredRecord(p.where, offset, timestamp, message));
    const entry = record.entry;
    p.append(record, message.offset);
    this.changes++;
    if (this.tracing) this.trace('publish', `${p.where}@${offset}`, entry, message.key, detail);
    if (Number.isFinite(p.topic.retentionMs)) this.scheduleExpiry(p.topic);
    if (this.cursors.length > 0) this.kick();
    return record;
  }

  /** @internal A record the broker never accepted (acks 0 during an outage, retries exhausted): accounted, not lost. */
  rejected(p: Partition, message: KafkaMessage, reason: string): void {
    const id = this.sim.ledger.open(BROKER, p.where);
    this.sim.ledger.set(id, 'rejected-by-broker');
    if (this.tracing) this.trace('drop', p.where, this.sim.ledger.get(id), message.key, reason);
  }

  /** @internal */
  trace(
    kind: TraceKind,
    where: string,
    entry: LedgerEntry | undefined,
    key: Buffer | string | null | undefined,
    detail?: string,
  ): void {
    this.sim.trace.add({
      time: this.sim.now(),
      kind,
      broker: BROKER,
      where,
      message: entry?.id,
      key: key === null || key === undefined ? undefined : key.toString(),
      detail,
    });
  }

  /** @internal */
  groupFor(groupId: string, assignor: AssignorName): Group {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new Group(groupId, assignor)));
    return group;
  }

  /** @internal A consumer joins its group: a new member and a rebalance. */
  join(consumer: SimConsumer, groupId: string, assignor: AssignorName): Member {
    const group = this.groupFor(groupId, assignor);
    const live = group.members.filter((m) => m.alive && !m.leaving);
    if (live.length === 0) group.assignor = assignor;
    else if (group.assignor !== assignor) {
      throw new EventproofError(
        'SIM_CONFIG',
        failure(
          `join consumer group '${groupId}'`,
          `its members use the '${group.assignor}' assignor and this consumer asks for '${assignor}' (Kafka: INCONSISTENT_GROUP_PROTOCOL)`,
          'Give every consumer of one group the same assignor',
        ),
      );
    }
    const member = new Member(
      memberId(this.options.clientId, ++this.memberSeq),
      this.memberSeq,
      group,
      consumer,
    );
    group.members.push(member);
    this.rebalance(group, `${member.id} joined`);
    return member;
  }

  /** @internal A member leaves cleanly, once its in-flight handlers settled: commit, then rebalance. */
  leave(member: Member): Promise<void> {
    if (!member.alive) return Promise.resolve();
    member.fetching = false;
    member.leaving = true;
    if (member.inFlight === 0) {
      this.finishLeave(member);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      member.onLeft = resolve;
    });
  }

  private finishLeave(member: Member): void {
    if (member.consumer.autoCommit) this.commitResolved(member);
    this.dropMember(member);
    member.group.members = member.group.members.filter((m) => m !== member);
    this.rebalance(member.group, `${member.id} left`);
    const done = member.onLeft;
    member.onLeft = undefined;
    done?.();
  }

  /**
   * @internal A member dies: in-flight work and uncommitted progress are lost; the group notices
   * after the session timeout and rebalances. `restart` rejoins the consumer then (a process restart).
   */
  crash(member: Member, reason: string, restart: boolean): void {
    if (!member.alive) return;
    if (this.tracing)
      this.trace(
        'fault',
        member.group.id,
        undefined,
        undefined,
        `${reason}: ${member.id} crashed${restart ? ', restarts after the session timeout' : ''}`,
      );
    for (const c of member.cursors) this.requeueUncommitted(c);
    this.dropMember(member);
    const consumer = member.consumer;
    this.sim.schedule(consumer.sessionTimeoutMs, 'kafka:session-timeout', () => {
      member.group.members = member.group.members.filter((m) => m !== member);
      if (restart && consumer.member === member) consumer.rejoin();
      else this.rebalance(member.group, `session timeout of ${member.id}`);
    });
  }

  private dropMember(member: Member): void {
    this.changes++;
    member.alive = false;
    member.fetching = false;
    for (const c of member.cursors) c.epoch++;
    if (member.commitTask) this.sim.cancel(member.commitTask);
    member.commitTask = undefined;
    member.inFlight = 0;
    member.cursors = [];
    this.rebuildCursors();
  }

  /** @internal Reassigns a group's partitions among its live members. */
  rebalance(group: Group, reason: string): void {
    const members = group.members.filter((m) => m.alive && !m.leaving);
    group.members = group.members.filter((m) => m.alive);
    // kafkajs commits what its members processed before they rejoin (with auto commit on).
    for (const m of members) if (m.consumer.autoCommit) this.commitResolved(m);
    const counts = new Map<string, number>();
    for (const m of members)
      for (const name of m.consumer.topicNames) {
        const t = this.topics.get(name);
        if (t) counts.set(name, t.partitions.length);
      }
    const result = assign(
      group.assignor,
      members.map((m) => ({
        id: m.id,
        order: m.order,
        topics: m.consumer.topicNames,
        owned: m.cursors.map((c) => c.key),
      })),
      counts,
    );
    group.generation++;
    this.changes++;
    const cooperative = group.assignor === 'cooperative-sticky';
    const moved: string[] = [];
    for (const m of members) {
      const next = result.get(m.id) ?? [];
      const keep = new Map<string, Cursor>();
      for (const c of m.cursors) {
        if (cooperative && next.includes(c.key)) keep.set(c.key, c);
        else {
          this.requeueUncommitted(c);
          c.epoch++;
          if (c.inFlight) m.inFlight--;
          c.inFlight = false;
        }
      }
      m.cursors = next.map((key) => {
        const kept = keep.get(key);
        if (kept) return kept;
        moved.push(key);
        const [topic, partition] = splitKey(key);
        const p = this.topics.get(topic)!.partitions[partition]!;
        const c = new Cursor(m, p, key, this.startPosition(group, p, m.consumer));
        c.paused = m.consumer.isPaused(topic, partition);
        return c;
      });
    }
    this.rebuildCursors();
    const assignment: Record<string, string[]> = {};
    for (const m of members) assignment[m.id] = m.cursors.map((c) => c.key);
    group.rebalances.push({
      groupId: group.id,
      generation: group.generation,
      time: this.sim.now(),
      reason,
      assignment,
    });
    if (this.tracing) {
      const text = members.map((m) => `${m.id}=[${assignment[m.id]!.join(',')}]`).join(' ');
      this.trace(
        'rebalance',
        group.id,
        undefined,
        undefined,
        `gen ${group.generation} (${reason})${cooperative ? ` moved [${moved.join(',')}]` : ''}: ${text}`,
      );
    }
    this.kick();
  }

  private startPosition(group: Group, p: Partition, consumer: SimConsumer): number {
    const sought = consumer.takeSeek(p);
    // A seek made before the assignment: out of range, it resets as a seek after it does.
    if (sought !== undefined && (sought < p.logStartOffset || sought > p.highWatermark))
      return this.outOfRange(sought, p, consumer);
    let position = sought ?? group.committed.get(p) ?? group.started.get(p);
    if (position === undefined) {
      position = consumer.fromBeginning(p.topic.name) ? p.logStartOffset : p.highWatermark;
      group.started.set(p, position);
    }
    return clamp(position, p);
  }

  /** Records a cursor took but its group has not committed go back to 'queued': they will be read again. */
  private requeueUncommitted(c: Cursor): void {
    const g = c.member.group;
    requeue(
      c.partition,
      g.committed.get(c.partition) ?? g.started.get(c.partition) ?? c.partition.logStartOffset,
      c.position,
    );
  }

  private rebuildCursors(): void {
    const all: Cursor[] = [];
    for (const group of this.groups.values())
      for (const m of group.members) if (m.alive) for (const c of m.cursors) all.push(c);
    this.cursors = all;
  }

  /** @internal Commits a member's processed offsets. */
  commitResolved(member: Member): void {
    if (member.commitTask) this.sim.cancel(member.commitTask);
    member.commitTask = undefined;
    for (const c of member.cursors) {
      if (c.resolved >= 0) this.commit(member.group, c.partition, c.resolved, c);
      c.resolved = -1;
    }
  }

  /** @internal Sets a group's committed offset; the records it passes are acked in the ledger. */
  commit(group: Group, p: Partition, offset: number, cursor?: Cursor): void {
    const before = group.committed.get(p) ?? group.started.get(p) ?? offset;
    group.committed.set(p, offset);
    group.commits++;
    const end = Math.min(offset, p.highWatermark);
    for (let o = Math.max(before, p.logStartOffset); o < end; o++) {
      const entry = p.records[o - p.baseOffset]!.entry;
      if (entry.fate !== 'expired') entry.fate = 'acked';
    }
    if (this.tracing)
      this.trace(
        'commit',
        p.where,
        undefined,
        undefined,
        `${group.id} offset ${offset}${cursor ? ` by ${cursor.member.id}` : ''}`,
      );
  }

  /**
   * @internal Moves a cursor (seek); an in-flight record finishes but reading continues at `offset`.
   * An offset outside the log is what the broker answers OFFSET_OUT_OF_RANGE to, and kafkajs then
   * resets to its default offset: the earliest with `fromBeginning`, else the latest.
   */
  seek(c: Cursor, offset: number): void {
    const p = c.partition;
    c.position =
      offset < p.logStartOffset || offset > p.highWatermark
        ? this.outOfRange(offset, p, c.member.consumer)
        : offset;
    c.heldUntil = 0;
    c.failures = 0;
    if (c.member.consumer.autoCommit) c.resolved = c.position;
    this.kick();
  }

  /** Where a seek to `offset`, outside the log, leaves the consumer: its default offset, traced. */
  private outOfRange(offset: number, p: Partition, consumer: SimConsumer): number {
    const earliest = consumer.fromBeginning(p.topic.name);
    const position = earliest ? p.logStartOffset : p.highWatermark;
    if (this.tracing)
      this.trace(
        'error',
        p.where,
        undefined,
        undefined,
        `seek to ${offset} is out of range (${p.logStartOffset}..${p.highWatermark}): reset to the ${earliest ? 'earliest' : 'latest'} offset ${position}, as kafkajs does${earliest ? ' with fromBeginning' : ''}`,
      );
    return position;
  }

  /** @internal */
  kick(): void {
    this.changes++;
    if (this.pumping || this.pumpTask !== undefined || this.cursors.length === 0) return;
    this.pumpTask = this.sim.schedule(0, 'kafka:deliver', this.pumpBound);
  }

  private wakeAtTime(at: number): void {
    if (this.wakeTask && this.wakeAt <= at) return;
    if (this.wakeTask) this.sim.cancel(this.wakeTask);
    this.wakeAt = at;
    this.wakeTask = this.sim.schedule(Math.max(0, at - this.sim.now()), 'kafka:wake', this.wakeBound);
  }

  // ── Delivery ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Delivers while any partition has a deliverable record. Which one goes next, across partitions
   * and consumers, is a recorded decision; within a partition the order is the log's, always.
   */
  private pump(): void {
    this.pumpTask = undefined;
    this.pumping = true;
    const sim = this.sim;
    const now = sim.now();
    const faultsOn = sim.faults.active.length > 0;
    let wake = Number.POSITIVE_INFINITY;
    let budget = STEP_BUDGET;
    const ready = this.ready;
    try {
      while (budget-- > 0) {
        // Filled from the start each round and read up to `count`: clearing a length costs a runtime call.
        let count = 0;
        const cursors = this.cursors;
        for (let i = 0; i < cursors.length; i++) {
          const c = cursors[i]!;
          if (c.inFlight || c.paused) continue;
          const m = c.member;
          if (!m.fetching || m.inFlight >= m.consumer.concurrency) continue;
          if (c.position >= c.partition.highWatermark) continue;
          if (c.heldUntil > now) {
            if (c.heldUntil < wake) wake = c.heldUntil;
            continue;
          }
          if (faultsOn) {
            const until = sim.faults.unavailableUntil(BROKER, c.partition.topic.name, now);
            if (until !== undefined) {
              if (until < wake) wake = until;
              continue;
            }
          }
          ready[count++] = c;
        }
        if (count === 0) break;
        if (count > 1) {
          const c = ready[sim.decisions.choose('kafka:deliver-next', count)]!;
          if (c.member.consumer.eachBatch) this.deliverBatch(c, now, faultsOn);
          else if (faultsOn || c.member.consumer.concurrency > 1) this.deliver(c, now, faultsOn);
          // A consumer works through a fetched batch one record after another (kafkajs, one
          // partition at a time): a handler that completes synchronously runs on through up to
          // `maxBatchSize` records before the next decision. An async handler stops the run at once.
          else budget -= this.deliverRun(c, now, Math.min(c.member.consumer.maxBatchSize, budget + 1)) - 1;
          continue;
        }
        // One partition can move and there is nothing to decide: keep delivering it without
        // rescanning, for as long as nothing else changed (a send, a rebalance, a seek, a resume).
        const c = ready[0]!;
        if (c.member.consumer.eachBatch === undefined && !faultsOn) {
          budget -= this.deliverRun(c, now, budget + 1) - 1;
          continue;
        }
        const changes = this.changes;
        const batch = c.member.consumer.eachBatch !== undefined;
        do {
          if (batch) this.deliverBatch(c, now, faultsOn);
          else this.deliver(c, now, faultsOn);
        } while (
          this.changes === changes &&
          budget-- > 0 &&
          !c.inFlight &&
          !c.paused &&
          c.position < c.partition.highWatermark &&
          c.heldUntil <= now &&
          c.member.fetching &&
          !faultsOn
        );
      }
    } finally {
      this.pumping = false;
    }
    if (budget < 0) this.kick();
    if (Number.isFinite(wake)) this.wakeAtTime(wake);
  }

  /**
   * Delivers `c`'s records one after another (at most `limit`, at least one) while each handler
   * completes synchronously and nothing else changed: a send, a rebalance, a seek, a pause, a
   * commit from elsewhere. No fault is active (the caller checks). Returns how many it delivered.
   * What it does per record is exactly `deliver` then `settle`, inlined for the common case:
   * no trace, no fault added meanwhile, and no commit by anyone else since the last one here.
   */
  private deliverRun(c: Cursor, now: number, limit: number): number {
    const changes = this.changes;
    const p = c.partition;
    const m = c.member;
    const consumer = m.consumer;
    const handler = consumer.eachMessage!;
    const group = m.group;
    const faults = this.sim.faults;
    const slow = this.tracing;
    const topic = p.topic.name;
    const partition = p.index;
    const pause = c.pause;
    const commitEach = consumer.autoCommit && consumer.autoCommitIntervalMs === undefined;
    /** `group.commits` right after this run's last commit: unchanged means nobody else committed since. */
    let ours = -1;
    let n = 0;
    for (;;) {
      if (c.position < p.logStartOffset) this.resetExpired(c);
      const record = p.records[c.position - p.baseOffset];
      if (!record) return n === 0 ? 1 : n; // everything it was behind on expired
      n++;
      const offset = record.offset;
      c.inFlight = true;
      c.position = offset + 1;
      m.inFlight++;
      record.deliveries++;
      if (record.fate === 'queued') record.fate = 'in-flight';
      if (slow)
        this.trace(
          record.deliveries > 1 ? 'redeliver' : 'deliver',
          `${p.where}@${offset}`,
          record,
          record.key,
          `${group.id} → ${m.id}`,
        );
      const epoch = c.epoch;
      let result: unknown;
      try {
        result = handler({
          topic,
          partition,
          message: record.message(p.offsetText(offset)),
          heartbeat: noopHeartbeat,
          pause,
        });
      } catch (error) {
        this.settle(c, epoch, record, -1, error, true);
        return n;
      }
      if (result !== undefined && isThenable(result)) {
        this.awaitMessage(c, epoch, record, result);
        return n;
      }
      if (slow || faults.active.length > 0 || epoch !== c.epoch || m.leaving) {
        this.settle(c, epoch, record, offset + 1, undefined, false);
      } else {
        // settle(), success branch, with nothing to trace and no fault to draw.
        c.inFlight = false;
        m.inFlight--;
        c.failures = 0;
        if (offset + 1 > c.resolved) c.resolved = offset + 1;
        if (commitEach) {
          if (group.commits === ours && c.resolved === offset + 1 && offset < p.highWatermark) {
            // commit(): the group's offset was ours, one record back, and the handler did not seek
            // (which moves `resolved`), so only this record is newly acked.
            group.committed.set(p, offset + 1);
            group.commits = ++ours;
            if (record.fate !== 'expired') record.fate = 'acked';
          } else {
            this.commit(group, p, c.resolved, c);
            ours = group.commits;
          }
          c.resolved = -1;
        } else if (consumer.autoCommit && c.resolved >= 0 && !m.commitTask) this.scheduleAutoCommit(m);
      }
      if (
        n >= limit ||
        this.changes !== changes ||
        c.inFlight ||
        c.paused ||
        c.position >= p.highWatermark ||
        c.heldUntil > now ||
        !m.fetching
      )
        return n;
    }
  }

  private deliver(c: Cursor, now: number, faultsOn: boolean): void {
    const p = c.partition;
    if (c.position < p.logStartOffset) this.resetExpired(c);
    const record = p.records[c.position - p.baseOffset];
    if (!record) return; // everything it was behind on expired
    if (faultsOn && c.delayed !== record.offset) {
      const spec = this.sim.faults.fires('delay', BROKER, p.topic.name);
      if (spec) {
        c.delayed = record.offset;
        c.heldUntil = now + (spec.delayMs ?? 100);
        if (this.tracing)
          this.trace(
            'fault',
            `${p.where}@${record.offset}`,
            record.entry,
            record.key,
            `delay ${spec.delayMs ?? 100}ms`,
          );
        if (c.heldUntil < this.wakeAt) this.wakeAtTime(c.heldUntil);
        return;
      }
    }
    const m = c.member;
    c.inFlight = true;
    c.position = record.offset + 1;
    m.inFlight++;
    const entry = record.entry;
    entry.deliveries++;
    if (entry.fate === 'queued') entry.fate = 'in-flight';
    if (this.tracing)
      this.trace(
        entry.deliveries > 1 ? 'redeliver' : 'deliver',
        `${p.where}@${record.offset}`,
        entry,
        record.key,
        `${m.group.id} → ${m.id}`,
      );
    const epoch = c.epoch;
    let result: unknown;
    try {
      const payload: EachMessagePayload = {
        topic: p.topic.name,
        partition: p.index,
        message: record.message(p.offsetText(record.offset)),
        heartbeat: noopHeartbeat,
        pause: c.pause,
      };
      result = m.consumer.eachMessage!(payload);
    } catch (error) {
      this.settle(c, epoch, record, -1, error, true);
      return;
    }
    if (
      result instanceof Promise ||
      (result !== null &&
        typeof result === 'object' &&
        typeof (result as PromiseLike<unknown>).then === 'function')
    ) {
      this.awaitMessage(c, epoch, record, result as PromiseLike<unknown>);
    } else this.settle(c, epoch, record, record.offset + 1, undefined, false);
  }

  /** An `eachMessage` handler returned a promise: the world waits for it, then it settles. */
  private awaitMessage(c: Cursor, epoch: number, record: StoredRecord, result: PromiseLike<unknown>): void {
    const p = c.partition;
    const promise = this.sim.track(
      Promise.resolve(result),
      `kafka ${c.member.group.id} eachMessage ${record.id} (${p.where}@${record.offset})`,
    );
    promise.then(
      () => this.settle(c, epoch, record, record.offset + 1, undefined, false),
      (error: unknown) => this.settle(c, epoch, record, -1, error, true),
    );
  }

  private deliverBatch(c: Cursor, now: number, faultsOn: boolean): void {
    const p = c.partition;
    if (c.position < p.logStartOffset) this.resetExpired(c);
    if (c.position >= p.highWatermark) return;
    const m = c.member;
    const first = c.position;
    const last = Math.min(p.highWatermark, first + m.consumer.maxBatchSize) - 1;
    if (faultsOn && c.delayed !== first) {
      const spec = this.sim.faults.fires('delay', BROKER, p.topic.name);
      if (spec) {
        c.delayed = first;
        c.heldUntil = now + (spec.delayMs ?? 100);
        if (this.tracing)
          this.trace('fault', `${p.where}@${first}`, undefined, undefined, `delay ${spec.delayMs ?? 100}ms`);
        if (c.heldUntil < this.wakeAt) this.wakeAtTime(c.heldUntil);
        return;
      }
    }
    const messages: KafkaMessage[] = [];
    for (let o = first; o <= last; o++) {
      const record = p.records[o - p.baseOffset]!;
      messages.push(record.message(p.offsetText(o)));
      record.entry.deliveries++;
      if (record.entry.fate === 'queued') record.entry.fate = 'in-flight';
      if (this.tracing)
        this.trace(
          record.entry.deliveries > 1 ? 'redeliver' : 'deliver',
          `${p.where}@${o}`,
          record.entry,
          record.key,
          `${m.group.id} → ${m.id} (batch)`,
        );
    }
    c.inFlight = true;
    c.position = last + 1;
    c.batchResolved = -1;
    m.inFlight++;
    const epoch = c.epoch;
    const highWatermark = String(p.highWatermark);
    const batch: Batch = {
      topic: p.topic.name,
      partition: p.index,
      highWatermark,
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => String(first),
      lastOffset: () => String(last),
      offsetLag: () => String(p.highWatermark - 1 - last),
      offsetLagLow: () => String(p.highWatermark - 1 - first),
    };
    const payload: EachBatchPayload = {
      batch,
      resolveOffset: (offset) => {
        if (c.epoch === epoch) c.batchResolved = Math.max(c.batchResolved, Number(offset) + 1);
      },
      heartbeat: noopHeartbeat,
      pause: c.pause,
      commitOffsetsIfNecessary: () => {
        if (c.epoch === epoch && c.batchResolved >= 0 && m.consumer.autoCommit)
          this.commit(m.group, p, c.batchResolved, c);
        return Promise.resolve();
      },
      uncommittedOffsets: () => ({
        topics:
          c.batchResolved < 0
            ? []
            : [
                {
                  topic: p.topic.name,
                  partitions: [{ partition: String(p.index), offset: String(c.batchResolved) }],
                },
              ],
      }),
      isRunning: () => m.fetching,
      isStale: () => c.epoch !== epoch,
    };
    const settleBatch = (error: unknown, failed: boolean) => {
      const upTo = failed || !m.consumer.eachBatchAutoResolve ? c.batchResolved : last + 1;
      this.settle(c, epoch, p.records[first - p.baseOffset]!, upTo, error, failed);
    };
    let result: unknown;
    try {
      result = m.consumer.eachBatch!(payload);
    } catch (error) {
      settleBatch(error, true);
      return;
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      const promise = this.sim.track(
        Promise.resolve(result as PromiseLike<unknown>),
        `kafka ${m.group.id} eachBatch ${p.where}@${first}-${last}`,
      );
      promise.then(
        () => settleBatch(undefined, false),
        (error: unknown) => settleBatch(error, true),
      );
    } else settleBatch(undefined, false);
  }

  private resetExpired(c: Cursor): void {
    const p = c.partition;
    if (this.tracing)
      this.trace(
        'fault',
        p.where,
        undefined,
        undefined,
        `${c.member.group.id} position ${c.position} is before the log start ${p.logStartOffset} (expired): reset to ${p.logStartOffset}`,
      );
    c.position = p.logStartOffset;
  }

  /**
   * A handler settled. `first` is its (first) record, `upTo` the offset processing reached
   * (one past the last record done; -1 for none). Failures retry from where processing stopped.
   */
  private settle(
    c: Cursor,
    epoch: number,
    first: StoredRecord,
    upTo: number,
    error: unknown,
    failed: boolean,
  ): void {
    if (epoch !== c.epoch) return; // revoked or crashed meanwhile: the committed offset brings the records back
    const m = c.member;
    const p = c.partition;
    const now = this.sim.now();
    c.inFlight = false;
    m.inFlight--;
    if (failed) {
      const from = upTo >= 0 ? upTo : first.offset;
      if (upTo > first.offset) c.resolved = upTo;
      c.failures++;
      const backoff = Math.min(MAX_RETRY_MS, m.consumer.retryInitialMs * 2 ** (c.failures - 1));
      const end = c.position;
      c.position = from;
      c.heldUntil = now + backoff;
      requeue(p, from, end);
      if (this.tracing)
        this.trace(
          'error',
          `${p.where}@${from}`,
          p.at(from)?.entry,
          p.at(from)?.key,
          `${m.id}: handler threw ${describe(error)}; retry in ${backoff}ms`,
        );
      this.wakeAtTime(c.heldUntil);
      this.afterSettle(m);
      return;
    }
    c.failures = 0;
    if (this.sim.faults.active.length > 0) {
      const topic = p.topic.name;
      if (this.sim.faults.fires('crash-before-ack', BROKER, topic)) {
        if (first.entry.fate === 'in-flight') first.entry.fate = 'queued';
        this.crash(m, `crash-before-ack after ${first.entry.id} (${p.where}@${first.offset})`, true);
        return;
      }
      if (this.sim.faults.fires('duplicate', BROKER, topic)) {
        if (this.tracing)
          this.trace(
            'fault',
            `${p.where}@${first.offset}`,
            first.entry,
            first.key,
            `duplicate: ${m.group.id} gets it again, as after a rebalance`,
          );
        c.position = first.offset;
        if (first.entry.fate === 'in-flight') first.entry.fate = 'queued';
        this.afterSettle(m);
        return;
      }
    }
    if (upTo > c.resolved) c.resolved = upTo;
    if (m.consumer.autoCommit && c.resolved >= 0) {
      const interval = m.consumer.autoCommitIntervalMs;
      if (interval === undefined) {
        this.commit(m.group, p, c.resolved, c);
        c.resolved = -1;
      } else if (!m.commitTask) this.scheduleAutoCommit(m);
    }
    this.afterSettle(m);
  }

  private scheduleAutoCommit(m: Member): void {
    m.commitTask = this.sim.schedule(m.consumer.autoCommitIntervalMs!, 'kafka:auto-commit', () => {
      m.commitTask = undefined;
      if (m.alive) this.commitResolved(m);
    });
  }

  private afterSettle(m: Member): void {
    if (m.leaving && m.inFlight === 0 && m.alive) this.finishLeave(m);
    else if (!this.pumping) this.kick();
  }

  // ── Retention ─────────────────────────────────────────────────────────────────────────────────

  private scheduleExpiry(t: Topic): void {
    const at = t.nextExpiry();
    if (!Number.isFinite(at) || at >= t.expiryAt) return;
    t.expiryAt = at;
    this.sim.schedule(Math.max(0, at - this.sim.now()), 'kafka:retention', () => {
      if (t.expiryAt !== at) return;
      t.expiryAt = Number.POSITIVE_INFINITY;
      this.expire(t);
      this.scheduleExpiry(t);
    });
  }

  private expire(t: Topic): void {
    const now = this.sim.now();
    for (const p of t.partitions) {
      for (
        let head = p.records[p.head];
        head && head.timestamp + t.retentionMs <= now;
        head = p.records[p.head]
      ) {
        p.dropHead();
        if (head.entry.fate !== 'acked') head.entry.fate = 'expired';
        if (this.tracing)
          this.trace(
            'expire',
            `${p.where}@${head.offset}`,
            head.entry,
            head.key,
            `retention ${t.retentionMs}ms; log start now ${p.logStartOffset}`,
          );
      }
    }
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value instanceof Promise ||
  (value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function');

function requeue(p: Partition, from: number, to: number): void {
  for (let o = Math.max(from, p.logStartOffset); o < to && o < p.highWatermark; o++) {
    const entry = p.records[o - p.baseOffset]!.entry;
    if (entry.fate === 'in-flight') entry.fate = 'queued';
  }
}

/**
 * A member's id, `clientId-n`. Every schedule's group has the same members: their ids are made once
 * (an id becomes a property name of the rebalance record, which V8 must first look up as a name).
 */
function memberId(clientId: string, n: number): string {
  let ids = MEMBER_IDS.get(clientId);
  if (ids === undefined) {
    if (MEMBER_IDS.size >= 64) MEMBER_IDS.clear();
    MEMBER_IDS.set(clientId, (ids = []));
  }
  if (n >= 64) return `${clientId}-${n}`;
  return (ids[n] ??= `${clientId}-${n}`);
}
const MEMBER_IDS = new Map<string, string[]>();

/** `topic/partition` read back; the names {@link tp} shares are read once (the pair is not changed by callers). */
const splitKey = (key: string): readonly [string, number] => {
  let split = SPLIT_KEYS.get(key);
  if (split === undefined) {
    const at = key.lastIndexOf('/');
    split = [key.slice(0, at), Number(key.slice(at + 1))];
    if (SPLIT_KEYS.size >= 1024) SPLIT_KEYS.clear();
    SPLIT_KEYS.set(key, split);
  }
  return split;
};
const SPLIT_KEYS = new Map<string, readonly [string, number]>();

/** Kafka resets an out-of-range position to the nearest end of the log. */
const clamp = (offset: number, p: Partition): number =>
  Math.min(Math.max(offset, p.logStartOffset), p.highWatermark);

/** @internal What a handler threw, in a line; non-Error values are named as such. */
export function describe(error: unknown): string {
  // Never throws itself, whatever was thrown (an Error whose message getter throws, a revoked proxy).
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
  } catch {
    return 'an Error that cannot be printed';
  }
  let text: string;
  try {
    text = typeof error === 'string' ? JSON.stringify(error) : String(JSON.stringify(error) ?? String(error));
  } catch {
    try {
      text = Object.prototype.toString.call(error);
    } catch {
      text = 'that cannot be printed';
    }
  }
  return `a non-Error value ${text}`;
}

/**
 * Adds a Kafka model to a simulation, with a kafkajs-shaped API.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const kafka = simKafka(sim, { defaultPartitions: 3 });
 * kafka.createTopic('orders', { partitions: 3 });
 * const producer = kafka.producer();
 * await producer.connect();
 * await producer.send({ topic: 'orders', messages: [{ key: 'o-1', value: 'created' }] });
 * ```
 */
export function simKafka(sim: Simulation, options: SimKafkaOptions = {}): SimKafka {
  return new SimKafka(sim, options);
}

export { tp };
