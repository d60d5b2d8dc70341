/**
 * A first-in first-out queue over a ring: an array whose length is a power of two, a head index and a
 * count. Taking from the front writes one slot and moves the head; nothing is ever moved down.
 *
 * It replaced an array with a moving head that was compacted whenever the head passed half its
 * length: draining a queue of 200,000 messages then copied about as many slots again and trimmed the
 * array each time, about a tenth of a delivery's time in the SQS model.
 *
 * Removal from the middle (a deleted or expired message that is not the oldest) moves the shorter
 * side by one slot; it is rare. A drained ring of more than `KEEP_CAPACITY` slots is let go, so a
 * queue that once held millions does not keep their slots.
 * @internal
 */
export class Deque<T> {
  private items: (T | undefined)[];
  private mask: number;
  private head = 0;
  private size = 0;

  constructor() {
    this.items = emptyRing(INITIAL_CAPACITY);
    this.mask = INITIAL_CAPACITY - 1;
  }

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size > this.mask) this.grow();
    this.items[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  at(index: number): T | undefined {
    return index >= 0 && index < this.size ? this.items[(this.head + index) & this.mask] : undefined;
  }

  /** Takes the item at `index` out, keeping the order of the rest. */
  removeAt(index: number): T | undefined {
    if (index < 0 || index >= this.size) return undefined;
    const items = this.items;
    const mask = this.mask;
    const head = this.head;
    const item = items[(head + index) & mask];
    if (index < this.size >> 1) {
      // The items before it move up one slot, and the head with them.
      for (let i = index; i > 0; i--) items[(head + i) & mask] = items[(head + i - 1) & mask];
      items[head] = undefined;
      this.head = (head + 1) & mask;
    } else {
      // The items after it move down one slot.
      const last = this.size - 1;
      for (let i = index; i < last; i++) items[(head + i) & mask] = items[(head + i + 1) & mask];
      items[(head + last) & mask] = undefined;
    }
    if (--this.size === 0) this.drained();
    return item;
  }

  /** Takes the item at `index` out in O(1) by moving the head item into its place (order is best-effort anyway). */
  takeSwapped(index: number): T | undefined {
    const size = this.size;
    if (size === 0 || index < 0 || index >= size) return undefined;
    const items = this.items;
    const head = this.head;
    let item: T | undefined;
    if (index === 0) item = items[head];
    else {
      const at = (head + index) & this.mask;
      item = items[at];
      items[at] = items[head];
    }
    items[head] = undefined;
    this.head = (head + 1) & this.mask;
    if ((this.size = size - 1) === 0) this.drained();
    return item;
  }

  indexOf(item: T): number {
    const items = this.items;
    const mask = this.mask;
    const head = this.head;
    // Mostly the head (a FIFO group's oldest message is the one deleted).
    for (let i = 0; i < this.size; i++) if (items[(head + i) & mask] === item) return i;
    return -1;
  }

  /** Doubles the ring, its items moved to the front in order. */
  private grow(): void {
    const old = this.items;
    const mask = this.mask;
    const capacity = (mask + 1) * 2;
    const items: (T | undefined)[] = [];
    for (let i = 0; i < this.size; i++) items.push(old[(this.head + i) & mask]);
    while (items.length < capacity) items.push(undefined);
    this.items = items;
    this.mask = capacity - 1;
    this.head = 0;
  }

  /** Empty: start at slot 0 again, and let a large ring go. */
  private drained(): void {
    this.head = 0;
    if (this.mask >= KEEP_CAPACITY) {
      this.items = emptyRing(INITIAL_CAPACITY);
      this.mask = INITIAL_CAPACITY - 1;
    }
  }
}

/** Slots of a new ring: small, since a FIFO queue has a deque per message group. */
const INITIAL_CAPACITY = 4;
/** The largest ring kept once drained. */
const KEEP_CAPACITY = 4096;

/** A ring of `capacity` empty slots, filled (not holey), so reading a slot needs no hole check. */
function emptyRing<T>(capacity: number): (T | undefined)[] {
  const items: (T | undefined)[] = [];
  for (let i = 0; i < capacity; i++) items.push(undefined);
  return items;
}
