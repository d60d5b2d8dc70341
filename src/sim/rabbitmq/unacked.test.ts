import { describe, expect, it } from 'vitest';
import type { QueuedMessage } from './queue.js';
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
