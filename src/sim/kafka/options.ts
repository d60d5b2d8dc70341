import { EventproofError, failure } from '../../errors.js';
import type { Acks } from './types.js';

/** How partitions are divided among the members of a consumer group. */
export type AssignorName = 'range' | 'roundrobin' | 'cooperative-sticky';

export interface SimKafkaOptions {
  /** Partitions of a topic that is created implicitly or without `numPartitions`. Default 1. */
  readonly defaultPartitions?: number;
  /** Create a topic on first send/subscribe, like `auto.create.topics.enable`. Default false: unknown topics are errors. */
  readonly allowAutoTopicCreation?: boolean;
  /** Prefix of member ids. Default 'consumer'. */
  readonly clientId?: string;
}

export interface TopicOptions {
  readonly partitions?: number;
  /** Time-based retention in virtual ms. Default: none (real Kafka: 7 days), so runUntilIdle does not leap a week ahead. */
  readonly retentionMs?: number;
}

export interface ProducerOptions {
  /** Deduplicate internal retries by producer id and sequence number. Requires acks -1 (all). */
  readonly idempotent?: boolean;
  /** Default acks for sends that do not set their own. Default -1 (all), as kafkajs. */
  readonly acks?: Acks;
  /** Internal retries of a send that failed or ended unknown; kafkajs defaults: 5 retries from 300 ms, doubling. */
  readonly retry?: {
    readonly retries?: number;
    readonly initialRetryTime?: number;
    readonly maxRetryTime?: number;
  };
  /** Where keyless records go: 'round-robin' (kafkajs default partitioner) or 'sticky' (one partition per send, Java ≥ 2.4). */
  readonly keylessPartitioning?: 'round-robin' | 'sticky';
}

export interface ConsumerOptions {
  readonly groupId: string;
  /** Virtual ms after a crash before the group notices and rebalances. Default 30,000 (kafkajs). */
  readonly sessionTimeoutMs?: number;
  /** kafkajs spelling of `sessionTimeoutMs`. */
  readonly sessionTimeout?: number;
  readonly assignor?: AssignorName;
  /** kafkajs spelling: the first entry decides. Accepts names or kafkajs-like `{ name }` objects. */
  readonly partitionAssigners?: readonly (AssignorName | { readonly name: string })[];
  /** Default true. Can also be set in `run()` as in kafkajs. */
  readonly autoCommit?: boolean;
  /** Commit resolved offsets every N virtual ms; unset: after every processed message or batch (kafkajs default). */
  readonly autoCommitIntervalMs?: number;
  /** Backoff before a failed message is retried, doubling up to 30 s. Default 300 ms (kafkajs). */
  readonly retryInitialMs?: number;
  /** Most records handed to one `eachBatch` call. Default 100. */
  readonly maxBatchSize?: number;
}

const config = (action: string, reason: string, hint: string) =>
  new EventproofError('SIM_CONFIG', failure(action, reason, hint));

const positiveInt = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0;
const nonNegative = (n: unknown) => typeof n === 'number' && n >= 0 && !Number.isNaN(n);

export function validateKafkaOptions(options: SimKafkaOptions): Required<SimKafkaOptions> {
  const defaultPartitions = options.defaultPartitions ?? 1;
  if (!positiveInt(defaultPartitions)) {
    throw config(
      'create the Kafka model',
      `defaultPartitions must be a whole number of at least 1, got ${String(options.defaultPartitions)}`,
      'Use e.g. simKafka(sim, { defaultPartitions: 3 })',
    );
  }
  const autoCreate = options.allowAutoTopicCreation ?? false;
  if (typeof autoCreate !== 'boolean') {
    throw config(
      'create the Kafka model',
      `allowAutoTopicCreation must be true or false, got ${JSON.stringify(autoCreate) ?? String(autoCreate)}`,
      'Use simKafka(sim, { allowAutoTopicCreation: true })',
    );
  }
  return {
    defaultPartitions,
    allowAutoTopicCreation: autoCreate,
    clientId: options.clientId ?? 'consumer',
  };
}

export function validateTopic(
  name: unknown,
  options: TopicOptions,
): { partitions: number; retentionMs: number } {
  if (typeof name !== 'string' || name.length === 0 || name.length > 249 || !/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw config(
      'create a topic',
      `'${String(name)}' is not a legal Kafka topic name`,
      'Use 1 to 249 characters of letters, digits, ".", "_" and "-"',
    );
  }
  if (!positiveInt(options.partitions)) {
    throw config(
      `create topic '${name}'`,
      `a topic needs a whole number of partitions, at least 1, got ${String(options.partitions)}`,
      'Use e.g. { partitions: 3 }',
    );
  }
  const retentionMs = options.retentionMs ?? Number.POSITIVE_INFINITY;
  if (!(retentionMs > 0)) {
    throw config(
      `create topic '${name}'`,
      `retentionMs must be more than 0, got ${String(options.retentionMs)}`,
      'Leave it out to keep records forever, or use e.g. { retentionMs: 3_600_000 }',
    );
  }
  return { partitions: options.partitions as number, retentionMs };
}

export interface ResolvedProducerOptions {
  idempotent: boolean;
  acks: Acks;
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
  keyless: 'round-robin' | 'sticky';
}

export function validateAcks(acks: unknown, where: string): Acks {
  if (acks !== 0 && acks !== 1 && acks !== -1) {
    throw config(
      where,
      `acks must be 0, 1 or -1 (all), got ${String(acks)}`,
      'Use acks: -1 for durability (the default), 1 for leader-only, 0 for fire-and-forget',
    );
  }
  return acks;
}

export function validateProducerOptions(options: ProducerOptions): ResolvedProducerOptions {
  const acks = validateAcks(options.acks ?? -1, 'create a producer');
  const idempotent = options.idempotent ?? false;
  if (idempotent && acks !== -1) {
    throw config(
      'create an idempotent producer',
      `idempotence needs acks -1 (all), got acks ${acks}`,
      'Drop the acks option or set acks: -1, as kafkajs requires',
    );
  }
  const retries = options.retry?.retries ?? 5;
  const initialRetryTime = options.retry?.initialRetryTime ?? 300;
  const maxRetryTime = options.retry?.maxRetryTime ?? 30_000;
  if (
    !(Number.isInteger(retries) && retries >= 0) ||
    !nonNegative(initialRetryTime) ||
    !nonNegative(maxRetryTime)
  ) {
    throw config(
      'create a producer',
      'retry.retries must be a whole number ≥ 0 and retry times ≥ 0 ms',
      'Use e.g. { retry: { retries: 5, initialRetryTime: 300 } }',
    );
  }
  const keyless = options.keylessPartitioning ?? 'round-robin';
  if (keyless !== 'round-robin' && keyless !== 'sticky') {
    throw config(
      'create a producer',
      `keylessPartitioning must be 'round-robin' or 'sticky', got '${String(keyless)}'`,
      "Use 'round-robin' (kafkajs) or 'sticky' (Java client ≥ 2.4)",
    );
  }
  return { idempotent, acks, retries, initialRetryTime, maxRetryTime, keyless };
}

export interface ResolvedConsumerOptions {
  groupId: string;
  sessionTimeoutMs: number;
  assignor: AssignorName;
  autoCommit: boolean;
  autoCommitIntervalMs: number | undefined;
  retryInitialMs: number;
  maxBatchSize: number;
}

const ASSIGNORS: readonly AssignorName[] = ['range', 'roundrobin', 'cooperative-sticky'];

export function validateConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  if (!options || typeof options.groupId !== 'string' || options.groupId.length === 0) {
    throw config(
      'create a consumer',
      'groupId is missing or empty',
      "Pass a group, e.g. kafka.consumer({ groupId: 'billing' })",
    );
  }
  const sessionTimeoutMs = options.sessionTimeoutMs ?? options.sessionTimeout ?? 30_000;
  if (!(sessionTimeoutMs > 0)) {
    throw config(
      `create consumer of group '${options.groupId}'`,
      `sessionTimeoutMs must be more than 0, got ${String(sessionTimeoutMs)}`,
      'Use e.g. { sessionTimeoutMs: 10_000 }',
    );
  }
  const first = options.partitionAssigners?.[0];
  const named = options.assignor ?? (typeof first === 'string' ? first : first?.name) ?? 'range';
  const assignor = (named === 'RoundRobinAssigner' ? 'roundrobin' : named) as AssignorName;
  if (!ASSIGNORS.includes(assignor)) {
    throw config(
      `create consumer of group '${options.groupId}'`,
      `unknown assignor '${String(named)}'`,
      `Use one of: ${ASSIGNORS.join(', ')}`,
    );
  }
  const interval = options.autoCommitIntervalMs;
  if (interval !== undefined && !(interval > 0)) {
    throw config(
      `create consumer of group '${options.groupId}'`,
      `autoCommitIntervalMs must be more than 0, got ${String(interval)}`,
      'Leave it out to commit after every message, or use e.g. 5000',
    );
  }
  const retryInitialMs = options.retryInitialMs ?? 300;
  const maxBatchSize = options.maxBatchSize ?? 100;
  if (!nonNegative(retryInitialMs) || !positiveInt(maxBatchSize)) {
    throw config(
      `create consumer of group '${options.groupId}'`,
      'retryInitialMs must be ≥ 0 and maxBatchSize a whole number ≥ 1',
      'Use e.g. { retryInitialMs: 300, maxBatchSize: 100 }',
    );
  }
  return {
    groupId: options.groupId,
    sessionTimeoutMs,
    assignor,
    autoCommit: options.autoCommit ?? true,
    autoCommitIntervalMs: interval,
    retryInitialMs,
    maxBatchSize,
  };
}

export const unknownTopic = (topic: unknown, action: string) =>
  typeof topic !== 'string' || topic === ''
    ? new EventproofError(
        'SIM_CONFIG',
        failure(
          action,
          `no topic was given (got ${JSON.stringify(topic) ?? String(topic)})`,
          "Name the topic, e.g. { topic: 'orders', … }",
        ),
      )
    : new EventproofError(
        'SIM_UNKNOWN_TARGET',
        failure(
          action,
          `topic '${topic}' does not exist`,
          `Create it first with kafka.createTopic('${topic}', { partitions: 1 }) or admin().createTopics(...), or pass { allowAutoTopicCreation: true } to simKafka`,
        ),
      );

/** Async API methods report errors as rejections, as kafkajs does. */
export const rejectWith = (error: unknown): Promise<never> =>
  Promise.reject(error instanceof Error ? error : new Error(String(error)));
