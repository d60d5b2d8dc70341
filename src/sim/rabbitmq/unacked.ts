import type { QueuedMessage } from './queue.js';

/**
 * A channel's unacked deliveries by delivery tag. Tags grow by one per delivery and are mostly
 * settled in order, so a window over an array (tag - base = index) replaces a Map: no hashing and
 * no rehashing on the path every message takes. The commonest case of all, one delivery out at a
 * time (a handler that acks before the next delivery), keeps it in a slot of its own and never
 * touches the array.
 */
export class UnackedWindow {
  /** The only unacked delivery, while there is exactly one and the array part is empty. */
  private only: QueuedMessage | undefined = undefined;
  private onlyTag = 0;
  private slots: (QueuedMessage | undefined)[] = [];
  private head = 0;
  /** One past the last used slot: the array itself is reused, not shrunk, when the window empties. */
  private end = 0;
  /** The tag of `slots[head]`. */
  private base = 1;
  size = 0;

  set(tag: number, message: QueuedMessage): void {
    if (this.size === 0) {
      this.only = message;
      this.onlyTag = tag;
      this.size = 1;
      return;
    }
    const only = this.only;
    if (only !== undefined) {
      // A second delivery: the first moves into the (empty) array, in front of it.
      this.only = undefined;
      this.size = 0;
      this.put(this.onlyTag, only);
    }
    this.put(tag, message);
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

  delete(tag: number): void {
    if (this.only !== undefined) {
      if (tag === this.onlyTag) {
        this.only = undefined;
        this.size = 0;
      }
      return;
    }
    this.deleteSlot(tag);
  }

  private deleteSlot(tag: number): void {
    const index = tag - this.base + this.head;
    if (index < this.head || index >= this.end || this.slots[index] === undefined) return;
    this.slots[index] = undefined;
    this.size--;
    while (this.head < this.end && this.slots[this.head] === undefined) {
      this.head++;
      this.base++;
    }
    if (this.head > 1024 && this.head * 2 > this.end) {
      this.slots = this.slots.slice(this.head, this.end);
      this.end -= this.head;
      this.head = 0;
    }
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
  private put(tag: number, message: QueuedMessage): void {
    if (this.size === 0 && this.head === this.end) {
      // Empty (every slot was cleared on delete): start over at the front of the same array.
      this.head = 0;
      this.end = 0;
      this.base = tag;
    }
    const slots = this.slots;
    const index = tag - this.base + this.head;
    while (this.end < index) slots[this.end++] = undefined;
    slots[index] = message;
    if (index >= this.end) this.end = index + 1;
    this.size++;
  }
}
