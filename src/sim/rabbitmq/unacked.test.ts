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
});
