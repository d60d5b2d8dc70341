/** kafkajs-shaped types, so code written against kafkajs runs on the model without a cast. */

/** Header values as kafkajs accepts them on send; consumers receive Buffers. */
export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type KafkaHeaders = Record<string, KafkaHeaderValue>;

/** A record to send, as in kafkajs `producer.send({ messages })`. */
export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** Explicit partition: skips the partitioner. */
  partition?: number;
  headers?: KafkaHeaders;
  /** CreateTime in ms since the epoch, as a string (kafkajs) or number. Default: the virtual now. */
  timestamp?: string | number;
}

/** A record as a consumer sees it (kafkajs `KafkaMessage`). */
export interface KafkaMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer | Buffer[] | undefined>;
  readonly timestamp: string;
  readonly offset: string;
  readonly attributes: number;
  readonly size: number;
}

/** 0 = fire and forget, 1 = leader, -1 = all in-sync replicas (kafkajs's default). */
export type Acks = 0 | 1 | -1;

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  acks?: Acks;
  timeout?: number;
}

export interface ProducerBatch {
  topicMessages: { topic: string; messages: Message[] }[];
  acks?: Acks;
  timeout?: number;
}

/** What a send resolves to, one entry per topic-partition written (kafkajs `RecordMetadata`). */
export interface RecordMetadata {
  readonly topicName: string;
  readonly partition: number;
  readonly errorCode: number;
  /** Offset of the first record written to this partition by the send. */
  readonly baseOffset: string;
  readonly offset: string;
  readonly logAppendTime: string;
  readonly logStartOffset: string;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, as kafkajs and Kafka define a committed offset. */
  offset: string;
}

export interface TopicPartitions {
  topic: string;
  partitions?: number[];
}

/** What `eachMessage` receives. */
export interface EachMessagePayload {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  heartbeat(): Promise<void>;
  /** Pauses this topic-partition; returns a function that resumes it. */
  pause(): () => void;
}

export interface Batch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

/** What `eachBatch` receives. */
export interface EachBatchPayload {
  readonly batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(offsets?: unknown): Promise<void>;
  uncommittedOffsets(): { topics: { topic: string; partitions: { partition: string; offset: string }[] }[] };
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void> | void;
  eachBatch?: (payload: EachBatchPayload) => Promise<void> | void;
  /** Resolve every offset of a batch when `eachBatch` returns (kafkajs default true). */
  eachBatchAutoResolve?: boolean;
  /** How many partitions one consumer processes at the same time (kafkajs default 1). */
  partitionsConsumedConcurrently?: number;
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
}

export interface ConsumerSubscribeTopic {
  /** A topic name, or a RegExp matched against the topics that exist. */
  topic?: string | RegExp;
  topics?: (string | RegExp)[];
  /** Where a group without a committed offset starts: the log start (true) or the end (false, default). */
  fromBeginning?: boolean;
}

export interface ITopicConfig {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/** One rebalance of a consumer group, as the model performed it. */
export interface RebalanceRecord {
  readonly groupId: string;
  readonly generation: number;
  readonly time: number;
  readonly reason: string;
  /** Member id → `topic/partition` list. */
  readonly assignment: Readonly<Record<string, readonly string[]>>;
}

/** Lag of one partition for a group: how far its committed offset is behind the end of the log. */
export interface PartitionLag {
  readonly partition: number;
  readonly committed: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly lag: number;
}

/** A record in the log, as `kafka.records()` shows it (with the simulation's message id). */
export interface StoredRecordView {
  readonly id: string;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: string | null;
}
