import { EventproofError, failure } from '../../errors.js';
import { rejectWith } from './options.js';
import type { SimKafka } from './kafka.js';
import type { ITopicConfig } from './types.js';

/**
 * A kafkajs-shaped admin client over the model.
 *
 * @example
 * ```ts
 * const admin = kafka.admin();
 * await admin.connect();
 * await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
 * ```
 */
export class KafkaAdmin {
  /** @internal */
  constructor(private readonly kafka: SimKafka) {}

  connect(): Promise<void> {
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }

  /** Resolves true when at least one topic was created, false when all existed (kafkajs). */
  createTopics({
    topics,
  }: {
    topics: ITopicConfig[];
    validateOnly?: boolean;
    waitForLeaders?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    try {
      let created = false;
      for (const t of topics) {
        const retention = t.configEntries?.find((e) => e.name === 'retention.ms')?.value;
        const retentionMs = retention === undefined || retention === '-1' ? undefined : Number(retention);
        if (this.kafka.topics.has(t.topic)) continue;
        this.kafka.createTopic(t.topic, {
          partitions: t.numPartitions ?? this.kafka.options.defaultPartitions,
          retentionMs,
        });
        created = true;
      }
      return Promise.resolve(created);
    } catch (error) {
      return rejectWith(error);
    }
  }

  listTopics(): Promise<string[]> {
    return Promise.resolve([...this.kafka.topics.keys()]);
  }

  /** Per partition: `offset` and `high` are the high watermark, `low` the log start. */
  fetchTopicOffsets(
    topic: string,
  ): Promise<{ partition: number; offset: string; high: string; low: string }[]> {
    return this.attempt(() =>
      this.kafka.offsets(topic).map(({ partition, low, high }) => ({
        partition,
        offset: String(high),
        high: String(high),
        low: String(low),
      })),
    );
  }

  /** Per partition, the first offset whose record's timestamp is at or after `timestamp` (or the end). */
  fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp?: number,
  ): Promise<{ partition: number; offset: string }[]> {
    return this.attempt(() =>
      this.kafka.topic(topic, 'fetch offsets by timestamp').partitions.map((p) => ({
        partition: p.index,
        offset: String(timestamp === undefined ? p.highWatermark : p.offsetForTimestamp(timestamp)),
      })),
    );
  }

  /** A group's committed offsets ('-1' where none). */
  fetchOffsets({
    groupId,
    topics,
  }: {
    groupId: string;
    topics?: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]> {
    return this.attempt(() =>
      (topics ?? [...this.kafka.topics.keys()]).map((topic) => ({
        topic,
        partitions: this.kafka
          .committedOffsets(groupId, topic)
          .map((offset, partition) => ({ partition, offset: String(offset) })),
      })),
    );
  }

  /** Sets a group's committed offsets: how a replay from an offset is started. The group must have no running members. */
  setOffsets({
    groupId,
    topic,
    partitions,
  }: {
    groupId: string;
    topic: string;
    partitions: { partition: number; offset: string }[];
  }): Promise<void> {
    return this.attempt(() => {
      const group = this.kafka.groupFor(groupId, 'range');
      if (group.members.some((m) => m.alive)) {
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure(
            `set offsets of group '${groupId}'`,
            'the group has running members (Kafka: the group must be empty)',
            'Disconnect its consumers first, or use consumer.seek() from a member',
          ),
        );
      }
      for (const { partition, offset } of partitions) {
        const p = this.kafka.partitionOf(topic, partition, `set offsets of group '${groupId}'`);
        const n = Number(offset);
        group.committed.set(p, Math.min(Math.max(n, p.logStartOffset), p.highWatermark));
        group.commits++;
      }
    });
  }

  /** Moves a group to the start (earliest) or end of a topic. */
  resetOffsets({
    groupId,
    topic,
    earliest = false,
  }: {
    groupId: string;
    topic: string;
    earliest?: boolean;
  }): Promise<void> {
    const partitions = this.kafka
      .offsets(topic)
      .map(({ partition, low, high }) => ({ partition, offset: String(earliest ? low : high) }));
    return this.setOffsets({ groupId, topic, partitions });
  }

  private attempt<T>(run: () => T): Promise<T> {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return rejectWith(error);
    }
  }
}
