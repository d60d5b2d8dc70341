/** A node that can sit in one timeline at a time: the time it is due and its links. @internal */
export interface TimelineNode {
  dueAt: number;
  prev: TimelineNode | undefined;
  next: TimelineNode | undefined;
}

/**
 * Messages waiting for a moment (end of a delay, end of a visibility timeout), earliest first, as an
 * intrusive doubly linked list. Due times mostly arrive in order (same timeout, later receive), so
 * inserting from the tail is O(1) in the common case; removal on delete is O(1) always, which keeps
 * the receive → delete path free of searches and of per-message timer tasks.
 * @internal
 */
export class Timeline<T extends TimelineNode> {
  head: T | undefined;
  private tail: T | undefined;
  size = 0;

  insert(node: T): void {
    let after = this.tail;
    while (after !== undefined && after.dueAt > node.dueAt) after = after.prev as T | undefined;
    node.prev = after;
    if (after === undefined) {
      node.next = this.head;
      if (this.head) this.head.prev = node;
      this.head = node;
    } else {
      node.next = after.next;
      if (after.next) after.next.prev = node;
      after.next = node;
    }
    if (node.next === undefined) this.tail = node;
    this.size++;
  }

  remove(node: T): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next as T | undefined;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev as T | undefined;
    node.prev = undefined;
    node.next = undefined;
    this.size--;
  }

  clear(): T[] {
    const all: T[] = [];
    for (let node = this.head; node; node = node.next as T | undefined) all.push(node);
    for (const node of all) {
      node.prev = undefined;
      node.next = undefined;
    }
    this.head = undefined;
    this.tail = undefined;
    this.size = 0;
    return all;
  }
}
