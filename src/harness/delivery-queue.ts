/**
 * A live, read-only view of one of the consumer harness's queues: an array (index it, iterate it,
 * `toHaveLength` it) with the seed's `count()`.
 *
 * @example
 * ```ts
 * expect(consumer.retryQueue.count()).toBe(1);
 * for (const entry of consumer.deadLetterQueue) console.log(entry.reason);
 * ```
 */
export type DeliveryQueue<Entry> = readonly Entry[] & {
  /** Number of entries, as the seed's `dead_letter_queue.count()`. */
  count(): number;
  /** The queue's name in reports, e.g. `orders.dlq`. */
  readonly name: string;
};

/** @internal A mutable queue behind a {@link DeliveryQueue}. */
export class EntryQueue<Entry> extends Array<Entry> {
  // map/filter/slice return plain arrays, not more queues.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  declare readonly name: string;

  static named<Entry>(name: string): EntryQueue<Entry> {
    const queue = new EntryQueue<Entry>();
    // Not enumerable, so `toEqual([...])` compares only the entries.
    Object.defineProperty(queue, 'name', { value: name, enumerable: false });
    return queue;
  }

  count(): number {
    return this.length;
  }

  remove(entry: Entry): void {
    const index = this.indexOf(entry);
    if (index !== -1) this.splice(index, 1);
  }
}
