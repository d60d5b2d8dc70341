import { describe, expect, it } from 'vitest';
import type { Consumer, QueuedMessage } from './queue.js';
import { UnackedWindow } from './unacked.js';

const message = (tag: number) => ({ tag }) as QueuedMessage;

describe('UnackedWindow', () => {
  it('finds, removes and lists deliveries by tag, in tag order, across gaps', () => {
    const window = new UnackedWindow();
    for (const tag of [1, 2, 4, 5]) window.set(tag, message(tag));
    expect(window.get(3)).toBeUndefined();
    expect(window.get(4)?.tag).toBe(4);
    window.delete(1);
    window.delete(4);
    expect(window.size).toBe(2);
    expect(window.upTo().map((m) => m.tag)).toEqual([2, 5]);
    expect(window.upTo(3).map((m) => m.tag)).toEqual([2]);
    expect(window.get(1)).toBeUndefined();
    window.delete(2);
    window.delete(5);
    expect(window.size).toBe(0);
    window.set(9, message(9));
    expect(window.upTo().map((m) => m.tag)).toEqual([9]);
  });

  it('stays correct over many in-order and out-of-order settlements', () => {
    const window = new UnackedWindow();
    const live = new Set<number>();
    let tag = 0;
    for (let round = 0; round < 1500; round++) {
      for (let i = 0; i < 3; i++) {
        window.set(++tag, message(tag));
        live.add(tag);
      }
      const settle = round % 7 === 0 ? Math.max(...live) : Math.min(...live);
      window.delete(settle);
      live.delete(settle);
      window.delete(settle); // a second delete is a no-op
    }
    expect(window.size).toBe(live.size);
    expect(window.upTo().map((m) => m.tag)).toEqual([...live].sort((a, b) => a - b));
    for (const t of live) expect(window.get(t)?.tag).toBe(t);
  });

  it('keeps a lone delivery in its own slot and moves it into the window when a second one comes', () => {
    const window = new UnackedWindow();
    window.set(1, message(1));
    expect(window.get(1)?.tag).toBe(1);
    expect(window.get(2)).toBeUndefined();
    expect(window.upTo(0)).toEqual([]);
    expect(window.upTo(1).map((m) => m.tag)).toEqual([1]);
    window.delete(2); // not there: a no-op
    expect(window.size).toBe(1);
    window.set(2, message(2));
    expect(window.size).toBe(2);
    expect(window.get(1)?.tag).toBe(1);
    expect(window.get(2)?.tag).toBe(2);
    expect(window.upTo().map((m) => m.tag)).toEqual([1, 2]);
    window.delete(1);
    expect(window.get(1)).toBeUndefined();
    expect(window.upTo().map((m) => m.tag)).toEqual([2]);
    window.delete(2);
    expect(window.size).toBe(0);
    expect(window.upTo()).toEqual([]);
    // Empty again: the next delivery is a lone one, then acked in turn, many times over.
    for (let tag = 10; tag < 20; tag++) {
      window.set(tag, message(tag));
      expect(window.get(tag - 1)).toBeUndefined();
      expect(window.upTo().map((m) => m.tag)).toEqual([tag]);
      window.delete(tag);
      expect(window.size).toBe(0);
    }
  });
});

describe('UnackedWindow consumers', () => {
  const consumer = (tag: string) => ({ tag }) as Consumer;

  it('keeps the consumer of each delivery, lone or in the array part, and returns it on delete', () => {
    const window = new UnackedWindow();
    const a = consumer('a');
    const b = consumer('b');
    window.set(1, message(1), a);
    expect(window.consumerOf(1)).toBe(a);
    window.set(2, message(2), b); // the lone delivery moves into the array part with its consumer
    window.set(3, message(3));
    window.set(5, message(5), a);
    expect([1, 2, 3, 4, 5].map((tag) => window.consumerOf(tag)?.tag)).toEqual([
      'a',
      'b',
      undefined,
      undefined,
      'a',
    ]);
    expect(window.delete(2)).toBe(b);
    expect(window.consumerOf(2)).toBeUndefined();
    expect(window.delete(2)).toBeUndefined();
    expect(window.delete(3)).toBeUndefined();
    expect(window.delete(1)).toBe(a);
    expect(window.delete(5)).toBe(a);
    // Empty again: the slots are reused, each with the consumer of its new delivery.
    window.set(6, message(6), b);
    window.set(7, message(7));
    expect(window.consumerOf(6)).toBe(b);
    expect(window.consumerOf(7)).toBeUndefined();
    expect(window.delete(7)).toBeUndefined();
    expect(window.delete(6)).toBe(b);
    // A lone delivery after one to another consumer, and one by basic.get (no consumer).
    window.set(8, message(8), a);
    expect(window.delete(8)).toBe(a);
    window.set(9, message(9));
    expect(window.consumerOf(9)).toBeUndefined();
    expect(window.delete(9)).toBeUndefined();
    expect(window.delete(8)).toBeUndefined();
  });
});

describe('UnackedWindow.takeOnly', () => {
  const consumer = (tag: string) => ({ tag }) as Consumer;

  it('takes the lone delivery of its tag with its consumer, and changes nothing otherwise', () => {
    const window = new UnackedWindow();
    const a = consumer('a');
    expect(window.takeOnly(1)).toBeUndefined(); // empty
    window.set(1, message(1), a);
    expect(window.takeOnly(2)).toBeUndefined(); // another tag
    expect(window.size).toBe(1);
    expect(window.takeOnly(1)?.tag).toBe(1);
    expect(window.takenConsumer).toBe(a);
    expect(window.size).toBe(0);
    expect(window.get(1)).toBeUndefined();
    expect(window.takeOnly(1)).toBeUndefined(); // taken once
    // By basic.get: no consumer.
    window.set(2, message(2));
    expect(window.takeOnly(2)?.tag).toBe(2);
    expect(window.takenConsumer).toBeUndefined();
    // Two out: the array part is left to get() and delete(), as it was.
    window.set(3, message(3), a);
    window.set(4, message(4), a);
    expect(window.takeOnly(3)).toBeUndefined();
    expect(window.takeOnly(4)).toBeUndefined();
    expect(window.size).toBe(2);
    expect(window.upTo().map((m) => m.tag)).toEqual([3, 4]);
  });
});
