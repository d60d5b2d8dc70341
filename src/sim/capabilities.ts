/**
 * What a broker (model or real) guarantees. Scenarios and the behavioural suites adapt to these
 * instead of branching on broker names.
 */
export interface BrokerCapabilities {
  readonly broker: 'kafka' | 'rabbitmq' | 'sqs' | (string & {});
  /** Messages with the same key (partition key, FIFO group) are delivered in publish order. */
  readonly perKeyOrder: boolean;
  /** The broker moves poison to a dead-letter destination itself (DLX, redrive policy). */
  readonly nativeDeadLetter: boolean;
  /** The consumer learns how many times a message was delivered (redelivered flag, ApproximateReceiveCount). */
  readonly redeliveryCount: boolean;
  /** Consumers can go back and re-read (Kafka offsets). */
  readonly replay: boolean;
  /** The broker drops duplicates by id within a window (SQS FIFO, idempotent Kafka producer). */
  readonly deduplication: boolean;
  /** Messages can expire (TTL, retention). */
  readonly expiry: boolean;
}
