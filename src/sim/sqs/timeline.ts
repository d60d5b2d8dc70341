/** A node that can sit in one timeline at a time: the time it is due and where it sits. @internal */
export interface TimelineNode {
  dueAt: number;
  /** Its index in the array of the timeline it is in, or -1. */
  slot: number;
}

/**
 * Messages waiting for a moment (end of a delay, end of a visibility timeout), earliest first and, at
 * the same moment, in insertion order. An array with a moving head, each node knowing its position:
 * due times mostly arrive in order (same timeout, later receive), so an insert is an append and a
 * removal writes one array slot — where a linked list wrote links in the node and in its neighbours,
 * and took two fields per message. An insert that is not in order shifts the later nodes up by one,
 * which is as many steps as a list's walk from its tail. A removal leaves a hole that the head skips;
 * holes are squeezed out when they outnumber the nodes, so a node that stays long does not keep every
 * later one's slot.
 * @internal
 */
export class Timeline<T extends TimelineNode> {
  // The array keeps its length (and backing store) as the timeline drains and refills: setting the
  // length of an array to 0 drops its store, and a consumer empties and refills it on every receive.
  private readonly items: (T | undefined)[] = [];
  /** Index in `items` of the first node (`items[start]` is a node, unless the timeline is empty). */
  private start = 0;
  /** Index in `items` past the last node; `items[end..]` are holes. */
  private end = 0;
  size = 0;

  get head(): T | undefined {
    return this.start < this.end ? this.items[this.start] : undefined;
  }

  insert(node: T): void {
    const items = this.items;
    let at = this.end++;
    if (at === items.length) items.push(node);
    // From the tail back past every node due later (holes are passed too; their place does not matter).
    while (at > this.start) {
      const before = items[at - 1];
      if (before !== undefined && before.dueAt <= node.dueAt) break;
      items[at] = before;
      if (before !== undefined) before.slot = at;
      at--;
    }
    items[at] = node;
    node.slot = at;
    this.size++;
  }

  remove(node: T): void {
    const items = this.items;
    const at = node.slot;
    items[at] = undefined;
    node.slot = -1;
    this.size--;
    if (this.size === 0) {
      // Empty: start over from the front.
      this.start = 0;
      this.end = 0;
    } else if (at === this.start) {
      let start = at + 1;
      while (items[start] === undefined) start++;
      this.start = start;
      if (start > 1024 && start * 2 > this.end) this.squeeze();
    } else if (this.end - this.start > 1024 && this.end - this.start > 4 * this.size) {
      this.squeeze();
    }
  }

  /** Moves the nodes down to the front of the array, without holes, renumbering their slots. */
  private squeeze(): void {
    const items = this.items;
    const end = this.end;
    let n = 0;
    for (let i = this.start; i < end; i++) {
      const node = items[i];
      if (node === undefined) continue;
      items[n] = node;
      node.slot = n;
      n++;
    }
    // In place, not into a new array (a long timeline's new array would land in the old generation);
    // the tail cleared so that it holds no node.
    for (let i = n; i < end; i++) items[i] = undefined;
    this.start = 0;
    this.end = n;
  }

  /** Every node, earliest first. */
  all(): T[] {
    const all: T[] = [];
    const items = this.items;
    for (let i = this.start; i < this.end; i++) {
      const node = items[i];
      if (node !== undefined) all.push(node);
    }
    return all;
  }
}
