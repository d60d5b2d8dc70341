/** A task due at a virtual time; ties run in the order they were scheduled. */
export interface Task {
  readonly time: number;
  readonly seq: number;
  readonly label: string;
  readonly run: () => unknown;
  cancelled: boolean;
}

/**
 * The simulation's event queue: a binary min-heap ordered by (time, sequence). Kept hand-rolled and
 * allocation-light because every delivery passes through it.
 */
export class Scheduler {
  private heap: Task[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /**
   * A task's place among the tasks due at the same moment, taken now for a task pushed later (or
   * never): pushed with it, the task runs exactly where it would have, had it been pushed now.
   */
  reserve(): number {
    return this.seq++;
  }

  push(time: number, label: string, run: () => unknown, seq = this.seq++): Task {
    const task: Task = { time, seq, label, run, cancelled: false };
    const heap = this.heap;
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(task, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = task;
    return task;
  }

  /** The next live task without removing it. */
  peek(): Task | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  pop(): Task | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Live tasks, in no particular order (for stuck reports). */
  pending(): Task[] {
    return this.heap.filter((t) => !t.cancelled);
  }
}

const before = (a: Task, b: Task): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);
