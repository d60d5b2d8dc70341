import type { WireMessage } from '../contracts/types.js';
import type { BrokerCapabilities } from '../sim/capabilities.js';
import type { Simulation } from '../sim/world.js';

/** The broker models scenarios run on; `sqs` is a standard queue, `sqs-fifo` a FIFO queue grouped by key. */
export type BrokerName = 'kafka' | 'rabbitmq' | 'sqs' | 'sqs-fifo';

export interface ConsumeOptions {
  /** Handler failures before a message is dead-lettered. */
  readonly maxAttempts: number;
  readonly onDeadLetter: (message: WireMessage, reason: string) => void;
  /** Messages the consumer handles at once: RabbitMQ prefetch, SQS batch size, Kafka partitions in parallel. */
  readonly concurrency: number;
}

/**
 * How a scenario puts messages through one broker model: the broker's own consumer loop, retries
 * and dead-lettering, so the handler meets exactly the deliveries that broker can produce.
 */
export interface ScenarioTransport {
  readonly broker: BrokerName;
  readonly capabilities: BrokerCapabilities;
  /** Publishes in order (awaiting each send) from inside the simulation. */
  publish(messages: readonly WireMessage[]): Promise<void>;
  /** Starts the consumer; `handle` throwing means "not processed". */
  /** `handle` returns a promise only when the handler is asynchronous; it throws on a decode failure. */
  consume(
    handle: (message: WireMessage) => Promise<void> | undefined,
    options: ConsumeOptions,
  ): Promise<void>;
}

export type TransportFactory = (sim: Simulation) => Promise<ScenarioTransport>;
