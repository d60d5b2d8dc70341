import type { Destination, SettleOptions } from '../probe.js';

/**
 * A topic a Kafka probe created; deleted when the probe is disposed.
 *
 * @example
 * ```ts
 * const orders = await probe.topic('orders', { partitions: 3, deadLetter: true });
 * await probe.expect(orders.deadLetter!).toReceiveNothing();
 * ```
 */
export interface KafkaTopic extends Destination {
  readonly kind: 'topic';
  readonly partitions: number;
  /** The dead-letter topic by convention (`<topic>.DLT`, or `<topic>-dlq`), when asked for. */
  readonly deadLetter: KafkaTopic | undefined;
}

/**
 * Options of `probe.topic()`.
 *
 * @example
 * ```ts
 * await probe.topic('orders', { partitions: 1, deadLetter: 'dlq' }); // also creates orders-dlq
 * ```
 */
export interface KafkaTopicOptions {
  /** Default 1: one partition keeps total order, as the seed recommends for ordering tests. */
  readonly partitions?: number | undefined;
  /** Also create the dead-letter topic: `true` or `'DLT'` → `<topic>.DLT` (Spring Kafka), `'dlq'` → `<topic>-dlq`. */
  readonly deadLetter?: boolean | 'DLT' | 'dlq' | undefined;
}

/**
 * Options of the Kafka probe's `settled()`.
 *
 * @example
 * ```ts
 * await probe.settled({ groups: ['billing'] }); // lag 0 on the probe's topics, no rebalance running
 * ```
 */
export interface KafkaSettleOptions extends SettleOptions {
  /** Consumer groups that must have caught up. Default: every group that reads one of the probe's topics. */
  readonly groups?: readonly string[] | undefined;
  /** Topics every group must have caught up on, even ones it has not committed on yet. */
  readonly topics?: readonly KafkaTopic[] | undefined;
}

/** One group's position on one partition, as the admin API reports it. */
export interface KafkaGroupLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  /** `-1` when the group has committed nothing on the partition. */
  readonly committed: bigint;
  readonly end: bigint;
  readonly lag: bigint;
}

/**
 * A consumer group as the admin API describes it.
 *
 * @example
 * ```ts
 * const group = await probe.describeGroup('billing');
 * expect(group.members.map((m) => m.assignments[orders.name])).toEqual([[0], [1]]);
 * ```
 */
export interface KafkaGroupDescription {
  readonly groupId: string;
  /** `STABLE`, `EMPTY`, `PREPARING_REBALANCE`, `COMPLETING_REBALANCE` or `DEAD` (unknown group). */
  readonly state: string;
  readonly members: readonly {
    readonly memberId: string;
    readonly clientId: string;
    /** Topic → assigned partitions, sorted. */
    readonly assignments: Readonly<Record<string, readonly number[]>>;
  }[];
}
