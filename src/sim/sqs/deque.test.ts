import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deque } from './deque.js';

// Operations against a plain array that does the same thing slowly: push, take the oldest, take one
// from the middle keeping order, take one swapped with the oldest (a standard queue's reorder), and
// look one up. Bursts of pushes and takes grow the ring past several doublings, wrap it around and
// drain it, which is where a ring goes wrong.
const op = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('push' as const), count: fc.integer({ min: 1, max: 40 }) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('take' as const), count: fc.integer({ min: 1, max: 40 }) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('removeAt' as const), pick: fc.integer({ min: -2, max: 90 }) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('swapped' as const), pick: fc.integer({ min: -2, max: 12 }) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('find' as const), pick: fc.integer({ min: 0, max: 90 }) }),
    weight: 1,
  },
);

describe('Deque', () => {
  it('holds what an array would, in the same order, through growth, wrap-around and draining', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const deque = new Deque<number>();
        const expected: number[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            for (let i = 0; i < o.count; i++) {
              deque.push(next);
              expected.push(next++);
            }
          } else if (o.kind === 'take') {
            for (let i = 0; i < o.count; i++) expect(deque.removeAt(0)).toBe(expected.shift());
          } else if (o.kind === 'removeAt') {
            const gone = o.pick >= 0 && o.pick < expected.length ? expected.splice(o.pick, 1)[0] : undefined;
            expect(deque.removeAt(o.pick)).toBe(gone);
          } else if (o.kind === 'swapped') {
            let taken: number | undefined;
            if (o.pick >= 0 && o.pick < expected.length) {
              taken = expected[o.pick];
              expected[o.pick] = expected[0]!;
              expected.shift();
            }
            expect(deque.takeSwapped(o.pick)).toBe(taken);
          } else {
            expect(deque.indexOf(o.pick)).toBe(expected.indexOf(o.pick));
          }
          expect(deque.length).toBe(expected.length);
        }
        const held: (number | undefined)[] = [];
        for (let i = -1; i <= expected.length; i++) held.push(deque.at(i));
        expect(held).toEqual([undefined, ...expected, undefined]);
      }),
      { numRuns: 300 },
    );
  });

  it('drains a queue of many thousands in order and then works as new', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 50_000; i++) deque.push(i);
    for (let i = 0; i < 50_000; i++) expect(deque.removeAt(0)).toBe(i);
    expect([deque.length, deque.at(0), deque.removeAt(0)]).toEqual([0, undefined, undefined]);
    for (let i = 0; i < 5; i++) deque.push(i);
    expect([deque.takeSwapped(3), deque.removeAt(0), deque.length]).toEqual([3, 1, 3]);
    expect([deque.at(0), deque.at(1), deque.at(2)]).toEqual([2, 0, 4]);
  });
});
