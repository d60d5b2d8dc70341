import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Timeline, type TimelineNode } from './timeline.js';

interface Node extends TimelineNode {
  readonly name: number;
}

/** Inserts into what a timeline must hold: by due time, ties in insertion order. */
function place(expected: Node[], node: Node): void {
  let at = expected.length;
  while (at > 0 && expected[at - 1]!.dueAt > node.dueAt) at--;
  expected.splice(at, 0, node);
}

// Operations: insert a node (due times from a small range, so ties and out-of-order inserts are
// common), remove the head, remove some node, or change a node's due time (remove and insert again,
// as ChangeMessageVisibility does). Runs of thousands cross the sizes where the array is squeezed.
const op = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('insert' as const), dueAt: fc.integer({ min: 0, max: 40 }) }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant('head' as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      pick: fc.nat(),
      dueAt: fc.integer({ min: 0, max: 40 }),
    }),
    weight: 1,
  },
);

type Op = {
  readonly kind: 'insert' | 'head' | 'remove' | 'move';
  readonly dueAt?: number;
  readonly pick?: number;
};

function run(ops: readonly Op[]): void {
  const timeline = new Timeline<Node>();
  const expected: Node[] = [];
  let names = 0;
  for (const o of ops) {
    if (o.kind === 'insert') {
      const node: Node = { name: names++, dueAt: o.dueAt!, slot: -1 };
      timeline.insert(node);
      place(expected, node);
    } else if (expected.length > 0) {
      const at = o.kind === 'head' ? 0 : o.pick! % expected.length;
      const node = expected[at]!;
      timeline.remove(node);
      expect(node.slot).toBe(-1);
      expected.splice(at, 1);
      if (o.kind === 'move') {
        node.dueAt = o.dueAt!;
        timeline.insert(node);
        place(expected, node);
      }
    }
    expect(timeline.size).toBe(expected.length);
    expect(timeline.head).toBe(expected[0]);
  }
  expect(timeline.all()).toEqual(expected);
}

describe('SQS timeline', () => {
  it('holds its nodes earliest first, ties in insertion order, through any inserts and removals', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => run(ops)),
      { numRuns: 300 },
    );
  });

  it('stays in order across squeezes: long runs with a node that stays while thousands pass', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 3_000, maxLength: 6_000 }), (ops) =>
        run([{ kind: 'insert', dueAt: 1_000 }, ...ops]),
      ),
      // A failure here is hard to shrink (thousands of steps): the short property shrinks better.
      { numRuns: 10, endOnFailure: true },
    );
  });

  it('renumbers slots when it squeezes, so a removal after many takes the right node', () => {
    const timeline = new Timeline<Node>();
    const stays: Node = { name: -1, dueAt: 1_000_000, slot: -1 };
    timeline.insert(stays);
    const last: Node[] = [];
    for (let i = 0; i < 5_000; i++) {
      const node: Node = { name: i, dueAt: i, slot: -1 };
      timeline.insert(node);
      if (i % 2 === 0) timeline.remove(node);
      else last.push(node);
    }
    for (const node of last.slice(0, -1)) timeline.remove(node);
    expect(timeline.all()).toEqual([last.at(-1), stays]);
    timeline.remove(stays);
    expect(timeline.all()).toEqual([last.at(-1)]);
    expect(timeline.head).toBe(last.at(-1));
  });
});
