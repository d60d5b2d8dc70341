import type { Consumer, QueuedMessage } from './queue.js';

/**
 * A channel's unacked deliveries by delivery tag. Tags grow by one per delivery and are mostly
 * settled in order, so a window over an array (tag - base = index) replaces a Map: no hashing and
 * no rehashing on the path every message takes. The commonest case of all, one delivery out at a
 * time (a handler that acks before the next delivery), keeps it in a slot of its own and never
 * touches the array.
 *
 * The window also keeps which consumer each delivery went to (undefined for basic.get), rather
 * than the message: stored messages are old objects and a consumer is usually young, so writing
 * one into each message costs a slow write barrier per delivery. Here the slot for it is reused
 * and only written when the consumer changes.
 */
export class UnackedWindow {
  /** The only unacked delivery, while there is exactly one and the array part is empty. */
  private only: QueuedMessage | undefined = undefined;
  private onlyTag = 0;
  /** The consumer of `only`; left as it is when `only` is cleared, so a run rewrites nothing. */
  private onlyConsumer: Consumer | undefined = undefined;
  private slots: (QueuedMessage | undefined)[] = [];
  /** The consumer of each slot, in step with `slots`; stale where the slot is empty. */
  private consumers: (Consumer | undefined)[] = [];
  private head = 0;
  /** One past the last used slot: the array itself is reused, not shrunk, when the window empties. */
  private end = 0;
  /** The tag of `slots[head]`. */
  private base = 1;
  size = 0;

  set(tag: number, message: QueuedMessage, consumer?: Consumer): void {
    if (this.size === 0) {
      this.only = message;
      this.onlyTag = tag;
      if (this.onlyConsumer !== consumer) this.onlyConsumer = consumer;
      this.size = 1;
      return;
    }
    this.setSlot(tag, message, consumer);
  }

  private setSlot(tag: number, message: QueuedMessage, consumer: Consumer | undefined): void {
    const only = this.only;
    if (only !== undefined) {
      // A second delivery: the first moves into the (empty) array, in front of it.
      this.only = undefined;
      this.size = 0;
      this.put(this.onlyTag, only, this.onlyConsumer);
    }
    this.put(tag, message, consumer);
  }

  get(tag: number): QueuedMessage | undefined {
    if (this.only !== undefined) return tag === this.onlyTag ? this.only : undefined;
    return this.getSlot(tag);
  }

  // The array part of get() and delete() kept apart: the lone-slot path stays small enough to inline.
  private getSlot(tag: number): QueuedMessage | undefined {
    const index = tag - this.base + this.head;
    return index >= this.head && index < this.end ? this.slots[index] : undefined;
  }

  /**
   * Removes `tag` when it is the lone delivery and returns its message (its consumer is then
   * {@link takenConsumer}); otherwise returns undefined and changes nothing. delete() and get() in
   * one look, for the ack's short path.
   */
  takeOnly(tag: number): QueuedMessage | undefined {
    const only = this.only;
    if (only === undefined || tag !== this.onlyTag) return undefined;
    this.only = undefined;
    this.size = 0;
    return only;
  }

  /** The consumer of the delivery that {@link takeOnly} last removed (undefined for basic.get). */
  get takenConsumer(): Consumer | undefined {
    return this.onlyConsumer;
  }

  /** The consumer that `tag` was delivered to (undefined for basic.get or an unknown tag). */
  consumerOf(tag: number): Consumer | undefined {
    if (this.only !== undefined) return tag === this.onlyTag ? this.onlyConsumer : undefined;
    const index = tag - this.base + this.head;
    return index >= this.head && index < this.end && this.slots[index] !== undefined
      ? this.consumers[index]
      : undefined;
  }

  /** Removes `tag`; returns the consumer it was delivered to (undefined for basic.get or an unknown tag). */
  delete(tag: number): Consumer | undefined {
    if (this.only !== undefined) {
      if (tag !== this.onlyTag) return undefined;
      this.only = undefined;
      this.size = 0;
      return this.onlyConsumer;
    }
    return this.deleteSlot(tag);
  }

  private deleteSlot(tag: number): Consumer | undefined {
    const index = tag - this.base + this.head;
    if (index < this.head || index >= this.end || this.slots[index] === undefined) return undefined;
    const consumer = this.consumers[index];
    this.slots[index] = undefined;
    this.size--;
    while (this.head < this.end && this.slots[this.head] === undefined) {
      this.head++;
      this.base++;
    }
    if (this.head > 1024 && this.head * 2 > this.end) {
      this.slots = this.slots.slice(this.head, this.end);
      this.consumers = this.consumers.slice(this.head, this.end);
      this.end -= this.head;
      this.head = 0;
    }
    return consumer;
  }

  /** Unacked messages in tag order, up to and including `tag` (all of them when undefined). */
  upTo(tag?: number): QueuedMessage[] {
    const out: QueuedMessage[] = [];
    const only = this.only;
    if (only !== undefined) {
      if (tag === undefined || this.onlyTag <= tag) out.push(only);
      return out;
    }
    for (let i = this.head; i < this.end; i++) {
      const m = this.slots[i];
      if (m === undefined) continue;
      if (tag !== undefined && m.tag > tag) break;
      out.push(m);
    }
    return out;
  }

  /** Adds to the array part. */
  private put(tag: number, message: QueuedMessage, consumer: Consumer | undefined): void {
    if (this.size === 0 && this.head === this.end) {
      // Empty (every slot was cleared on delete): start over at the front of the same array.
      this.head = 0;
      this.end = 0;
      this.base = tag;
    }
    const slots = this.slots;
    const consumers = this.consumers;
    const index = tag - this.base + this.head;
    while (this.end < index) {
      consumers[this.end] = undefined;
      slots[this.end++] = undefined;
    }
    slots[index] = message;
    if (consumers[index] !== consumer || index >= consumers.length) consumers[index] = consumer;
    if (index >= this.end) this.end = index + 1;
    this.size++;
  }
}
