import type { Destination, RawMessage } from '../probe.js';

/**
 * A queue an SQS probe created; deleted on dispose.
 *
 * @example
 * ```ts
 * const orders = await probe.queue('orders.fifo', { deadLetter: { maxReceiveCount: 2 } });
 * console.log(orders.url, orders.deadLetter?.url);
 * ```
 */
export interface SqsQueue extends Destination {
  readonly kind: 'queue';
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  /** The redrive dead-letter queue, when asked for. */
  readonly deadLetter: SqsQueue | undefined;
}

/**
 * Options of `probe.queue()`. A name ending in `.fifo` makes a FIFO queue.
 *
 * @example
 * ```ts
 * await probe.queue('payments.fifo', { contentBasedDeduplication: true, visibilityTimeoutSeconds: 1 });
 * ```
 */
export interface SqsQueueOptions {
  readonly visibilityTimeoutSeconds?: number | undefined;
  readonly delaySeconds?: number | undefined;
  /** FIFO only: deduplicate on a hash of the body when no deduplication id is given. */
  readonly contentBasedDeduplication?: boolean | undefined;
  /** Create `<queue>-dlq` and a redrive policy; `true` means `maxReceiveCount: 3`. */
  readonly deadLetter?: boolean | { readonly maxReceiveCount: number } | undefined;
  /** More queue attributes, as SQS names them. */
  readonly attributes?: Readonly<Record<string, string>> | undefined;
}

/**
 * A raw SQS message with the SQS-only fields.
 *
 * @example
 * ```ts
 * await probe.publish(payments, { value: '{"id":1}', key: 'customer-1', deduplicationId: 'pay-1' });
 * ```
 */
export interface SqsRawMessage extends RawMessage {
  /** FIFO: the deduplication id (the key is the MessageGroupId). */
  readonly deduplicationId?: string | undefined;
  readonly delaySeconds?: number | undefined;
}

/**
 * What SQS reports about one queue; `settled()` waits for all three to be 0.
 *
 * @example
 * ```ts
 * const [counts] = await probe.counts();
 * ```
 */
export interface SqsQueueCounts {
  readonly queue: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}
