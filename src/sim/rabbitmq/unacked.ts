import type { QueuedMessage } from './queue.js';

/**
 * A channel's unacked deliveries by delivery tag. Tags grow by one per delivery and are mostly
 * settled in order, so a window over an array (tag - base = index) replaces a Map: no hashing and
 * no rehashing on the path every message takes.
 */
export class UnackedWindow {
  private slots: (QueuedMessage | undefined)[] = [];
  private head = 0;
  /** One past the last used slot: the array itself is reused, not shrunk, when the window empties. */
  private end = 0;
  /** The tag of `slots[head]`. */
  private base = 1;
  size = 0;

  set(tag: number, message: QueuedMessage): void {
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

  get(tag: number): QueuedMessage | undefined {
    const index = tag - this.base + this.head;
    return index >= this.head && index < this.end ? this.slots[index] : undefined;
  }

  delete(tag: number): void {
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
    for (let i = this.head; i < this.end; i++) {
      const m = this.slots[i];
      if (m === undefined) continue;
      if (tag !== undefined && m.tag > tag) break;
      out.push(m);
    }
    return out;
  }
}
