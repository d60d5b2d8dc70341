import { EventproofError, failure } from '../../errors.js';
import type { Cursor, Member, SimKafka } from './kafka.js';
import type { Partition } from './log.js';
import { rejectWith, type AssignorName, type ResolvedConsumerOptions } from './options.js';
import type {
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  EachBatchPayload,
  EachMessagePayload,
  TopicPartitionOffset,
  TopicPartitions,
} from './types.js';

/**
 * A kafkajs-shaped consumer. `run()` joins the group (a rebalance); deliveries go through the
 * simulation's scheduler, one in-flight message per assigned partition (kafkajs's default), and
 * `partitionsConsumedConcurrently` partitions at a time per consumer.
 *
 * @example
 * ```ts
 * const consumer = kafka.consumer({ groupId: 'billing', autoCommit: false });
 * await consumer.connect();
 * await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
 * await consumer.run({
 *   eachMessage: async ({ topic, partition, message }) => {
 *     await bill(message.value!.toString());
 *     await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
 *   },
 * });
 * ```
 */
export class SimConsumer {
  /** @internal The current incarnation in the group; undefined before run, after disconnect or crash. */
  member: Member | undefined;
  /** @internal */ readonly topicNames = new Set<string>();
  /** @internal */ eachMessage: ((payload: EachMessagePayload) => unknown) | undefined;
  /** @internal */ eachBatch: ((payload: EachBatchPayload) => unknown) | undefined;
  /** @internal */ eachBatchAutoResolve = true;
  /** @internal */ concurrency = 1;
  /** @internal */ autoCommit: boolean;
  /** @internal */ readonly autoCommitIntervalMs: number | undefined;
  /** @internal */ readonly sessionTimeoutMs: number;
  /** @internal */ readonly retryInitialMs: number;
  /** @internal */ readonly maxBatchSize: number;
  private readonly beginning = new Set<string>();
  // Made on first use: most consumers never pause or seek, and a scenario makes one per schedule.
  private pausedTopicsMap: Map<string, Set<number> | 'all'> | undefined;
  private seeks: Map<Partition, number> | undefined;
  private readonly assignor: AssignorName;
  private running = false;

  /** @internal */
  constructor(
    private readonly kafka: SimKafka,
    private readonly options: ResolvedConsumerOptions,
  ) {
    this.autoCommit = options.autoCommit;
    this.autoCommitIntervalMs = options.autoCommitIntervalMs;
    this.sessionTimeoutMs = options.sessionTimeoutMs;
    this.retryInitialMs = options.retryInitialMs;
    this.maxBatchSize = options.maxBatchSize;
    this.assignor = options.assignor;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  /** Subscribes to topics (names or a RegExp over existing topics), before `run()` as in kafkajs. */
  subscribe(subscription: ConsumerSubscribeTopic): Promise<void> {
    try {
      if (this.running) {
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure(
            'subscribe',
            'the consumer is already running (kafkajs: "Cannot subscribe to topic while consumer is running")',
            'Subscribe to every topic before calling run()',
          ),
        );
      }
      const wanted = subscription.topics ?? (subscription.topic === undefined ? [] : [subscription.topic]);
      if (wanted.length === 0)
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure('subscribe', 'no topic given', "Pass { topic: 'orders' } or { topics: ['orders'] }"),
        );
      for (const t of wanted) {
        const names =
          t instanceof RegExp
            ? [...this.kafka.topics.keys()].filter((n) => t.test(n))
            : [this.kafka.topic(t, `subscribe group '${this.groupId}'`).name];
        for (const name of names) {
          this.topicNames.add(name);
          if (subscription.fromBeginning) this.beginning.add(name);
        }
      }
      return Promise.resolve();
    } catch (error) {
      return rejectWith(error);
    }
  }

  /** Joins the group and starts consuming; resolves once joined. */
  run(config: ConsumerRunConfig): Promise<void> {
    try {
      if (this.running)
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure(
            `run consumer of group '${this.groupId}'`,
            'it is already running',
            'Call run() once per consumer',
          ),
        );
      if (!config || (typeof config.eachMessage !== 'function' && typeof config.eachBatch !== 'function')) {
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure(
            `run consumer of group '${this.groupId}'`,
            'neither eachMessage nor eachBatch was given',
            'Pass run({ eachMessage: async ({ message }) => … })',
          ),
        );
      }
      if (this.topicNames.size === 0)
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure(
            `run consumer of group '${this.groupId}'`,
            'it is not subscribed to any topic',
            'Call subscribe({ topic }) before run()',
          ),
        );
      const concurrency = config.partitionsConsumedConcurrently ?? 1;
      if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
        throw new EventproofError(
          'SIM_CONFIG',
          failure(
            `run consumer of group '${this.groupId}'`,
            `partitionsConsumedConcurrently must be a whole number ≥ 1, got ${String(concurrency)}`,
            'Leave it out (1) or use e.g. 3',
          ),
        );
      }
      this.eachMessage = config.eachMessage;
      this.eachBatch = config.eachMessage ? undefined : config.eachBatch;
      this.eachBatchAutoResolve = config.eachBatchAutoResolve ?? true;
      this.concurrency = concurrency;
      if (config.autoCommit !== undefined) this.autoCommit = config.autoCommit;
      this.running = true;
      this.member = this.kafka.join(this, this.groupId, this.assignor);
      return Promise.resolve();
    } catch (error) {
      return rejectWith(error);
    }
  }

  /** @internal A restart after a crash fault: the same code joins again as a new member. */
  rejoin(): void {
    this.member = this.kafka.join(this, this.groupId, this.assignor);
  }

  /** Commits offsets for the group (each the NEXT offset to read, as in kafkajs). */
  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    try {
      const member = this.member;
      if (!member || !member.alive) {
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure(
            `commit offsets for group '${this.groupId}'`,
            'the consumer is not a member of the group (not running, disconnected or crashed)',
            'Commit from inside the handler or before disconnect()',
          ),
        );
      }
      for (const o of offsets) {
        const p = this.kafka.partitionOf(o.topic, o.partition, `commit offsets for group '${this.groupId}'`);
        const offset = Number(o.offset);
        if (!Number.isInteger(offset) || offset < 0) {
          throw new EventproofError(
            'INVALID_ARGUMENT',
            failure(
              `commit offsets for group '${this.groupId}'`,
              `offset '${String(o.offset)}' is not a whole number ≥ 0`,
              'Commit the next offset to read: String(Number(message.offset) + 1)',
            ),
          );
        }
        const cursor = member.cursors.find((c) => c.partition === p);
        if (cursor && cursor.resolved >= 0 && cursor.resolved <= offset) cursor.resolved = -1;
        this.kafka.commit(member.group, p, offset, cursor);
      }
      return Promise.resolve();
    } catch (error) {
      return rejectWith(error);
    }
  }

  /** Moves the read position of a partition; applied when the partition is assigned if it is not yet. */
  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string | number }): void {
    const p = this.kafka.partitionOf(topic, partition, `seek in group '${this.groupId}'`);
    const target = Number(offset);
    if (!Number.isInteger(target) || target < 0) {
      throw new EventproofError(
        'INVALID_ARGUMENT',
        failure(
          `seek ${p.where}`,
          `offset '${String(offset)}' is not a whole number ≥ 0`,
          'Seek to a log offset, e.g. "0"; for a time use admin().fetchTopicOffsetsByTimestamp',
        ),
      );
    }
    const cursor = this.cursorFor(p);
    if (cursor) this.kafka.seek(cursor, target);
    else (this.seeks ??= new Map()).set(p, target);
  }

  /** Stops fetching from the given topic-partitions (in-flight messages finish). */
  private get pausedTopics(): Map<string, Set<number> | 'all'> {
    return (this.pausedTopicsMap ??= new Map());
  }

  pause(topics: TopicPartitions[]): void {
    for (const { topic, partitions } of topics) {
      this.kafka.topic(topic, `pause in group '${this.groupId}'`);
      if (!partitions) this.pausedTopics.set(topic, 'all');
      else {
        const current = this.pausedTopics.get(topic);
        if (current !== 'all') this.pausedTopics.set(topic, new Set([...(current ?? []), ...partitions]));
      }
    }
    this.refreshPaused();
  }

  resume(topics: TopicPartitions[]): void {
    for (const { topic, partitions } of topics) {
      const current = this.pausedTopics.get(topic);
      if (!partitions || current === undefined) this.pausedTopics.delete(topic);
      else if (current === 'all') {
        const all = new Set(this.kafka.topic(topic, 'resume').partitions.map((p) => p.index));
        for (const p of partitions) all.delete(p);
        this.pausedTopics.set(topic, all);
      } else for (const p of partitions) current.delete(p);
    }
    this.refreshPaused();
    this.kafka.kick();
  }

  paused(): TopicPartitions[] {
    return [...this.pausedTopics].map(([topic, set]) =>
      set === 'all' ? { topic } : { topic, partitions: [...set] },
    );
  }

  /** Leaves the group once in-flight handlers settled (committing first with auto commit): a rebalance. */
  disconnect(): Promise<void> {
    const member = this.member;
    this.running = false;
    if (!member) return Promise.resolve();
    return this.kafka.leave(member).then(() => {
      if (this.member === member) this.member = undefined;
    });
  }

  /**
   * Simulator only: the consumer's process dies now. In-flight work and uncommitted offsets are
   * lost; the group rebalances after the session timeout. `run()` again to restart it.
   *
   * @example
   * ```ts
   * consumerA.crash();
   * await sim.advance(30_000); // session timeout: its partitions move to consumerB
   * ```
   */
  crash(): void {
    const member = this.member;
    this.running = false;
    this.member = undefined;
    if (member) this.kafka.crash(member, 'consumer.crash()', false);
  }

  /** Simulator only: the `topic/partition` list this consumer holds now. */
  assignment(): string[] {
    return this.member?.alive ? this.member.cursors.map((c) => c.key) : [];
  }

  /** @internal */
  isPaused(topic: string, partition: number): boolean {
    const set = this.pausedTopicsMap?.get(topic);
    return set === 'all' || (set !== undefined && set.has(partition));
  }

  /** @internal */
  fromBeginning(topic: string): boolean {
    return this.beginning.has(topic);
  }

  /** @internal A seek made before the partition was assigned. */
  takeSeek(p: Partition): number | undefined {
    const seeks = this.seeks;
    if (seeks === undefined) return undefined;
    const offset = seeks.get(p);
    seeks.delete(p);
    return offset;
  }

  private cursorFor(p: Partition): Cursor | undefined {
    return this.member?.alive ? this.member.cursors.find((c) => c.partition === p) : undefined;
  }

  private refreshPaused(): void {
    for (const c of this.member?.cursors ?? [])
      c.paused = this.isPaused(c.partition.topic.name, c.partition.index);
  }
}
