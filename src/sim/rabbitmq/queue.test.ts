import { describe, expect, it } from 'vitest';
import { queueConfig } from './options.js';
import { QueuedMessage, SimQueue } from './queue.js';

const newQueue = () => new SimQueue('q', queueConfig('q', {}, 20));
const message = (q: SimQueue, order: number) =>
  new QueuedMessage(q, Buffer.from(`m${order}`), undefined, '', 'key', order, Number.POSITIVE_INFINITY);
const orders = (list: QueuedMessage[]) => list.map((m) => m.order);

describe('SimQueue (a ring buffer)', () => {
  it('keeps publish order across wrap-around and growth while wrapped', () => {
    const q = newQueue();
    let next = 0;
    const expected: number[] = [];
    // Shift most of each batch so the head walks around the ring, and push past its capacity.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 7 + round; i++) {
        q.push(message(q, next));
        expected.push(next++);
      }
      for (let i = 0; i < 5 + round; i++) expect(q.shift()?.order).toBe(expected.shift());
    }
    expect(q.ready).toBe(expected.length);
    expect(q.readyBytes).toBe(expected.reduce((sum, n) => sum + `m${n}`.length, 0));
    expect(q.peek()?.order).toBe(expected[0]);
    expect(orders(q.drain())).toEqual(expected);
    expect(q.ready).toBe(0);
    expect(q.readyBytes).toBe(0);
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
  });

  it('puts requeued messages back at their position: front, middle and tail, wrapped or not', () => {
    const q = newQueue();
    const all = Array.from({ length: 40 }, (_, i) => message(q, i));
    for (const m of all.slice(0, 14)) q.push(m);
    const taken = [q.shift()!, q.shift()!, q.shift()!, q.shift()!]; // 0..3 delivered
    for (const m of all.slice(14, 20)) q.push(m); // wraps around the 16-slot ring
    q.insertBySeq(taken[2]!); // 2: the front, with the head not at 0
    q.insertBySeq(taken[0]!); // 0: the front again
    expect(orders([q.peek()!])).toEqual([0]);
    const middle = [q.shift()!, q.shift()!, q.shift()!, q.shift()!]; // 0, 2, 4, 5
    expect(orders(middle)).toEqual([0, 2, 4, 5]);
    q.insertBySeq(middle[3]!); // 5: the front
    q.insertBySeq(taken[1]!); // 1: the front
    q.insertBySeq(taken[3]!); // 3: between 1 and 5
    q.insertBySeq(middle[2]!); // 4: between 3 and 5
    for (const m of all.slice(20, 30)) q.push(m); // grows while wrapped
    q.insertBySeq(all[30]!); // the tail
    expect(orders(q.drain())).toEqual([1, 3, 4, 5, ...Array.from({ length: 25 }, (_, i) => i + 6)]);
  });

  it('requeues at the very front when the head is at slot 0 (the ring wraps backwards)', () => {
    const q = newQueue();
    const all = Array.from({ length: 5 }, (_, i) => message(q, i));
    const first = all[0]!;
    q.push(first);
    q.shift();
    for (const m of all.slice(1)) q.push(m);
    q.insertBySeq(first);
    expect(orders(q.drain())).toEqual([0, 1, 2, 3, 4]);
  });

  it('drains a long backlog and is usable again', () => {
    const q = newQueue();
    for (let i = 0; i < 5000; i++) q.push(message(q, i));
    for (let i = 0; i < 5000; i++) expect(q.shift()!.order).toBe(i);
    expect(q.ready).toBe(0);
    q.push(message(q, 5000));
    expect(q.peek()?.order).toBe(5000);
  });
});

describe('QueuedMessage', () => {
  it('keeps the redelivered flag and the quorum returns apart in one field', () => {
    const m = message(newQueue(), 1);
    expect([m.redelivered, m.returns]).toEqual([false, 0]);
    m.returns++;
    expect([m.redelivered, m.returns]).toEqual([false, 1]);
    m.redelivered = true;
    m.returns++;
    m.returns++;
    expect([m.redelivered, m.returns]).toEqual([true, 3]);
    m.redelivered = false;
    expect([m.redelivered, m.returns]).toEqual([false, 3]);
    m.returns = 0;
    m.redelivered = true;
    expect([m.redelivered, m.returns]).toEqual([true, 0]);
  });

  it('derives its size from its content and stores no expiry when it never expires', () => {
    const q = newQueue();
    const m = new QueuedMessage(q, Buffer.from('héllo'), undefined, '', 'key', 1, 25);
    expect([m.size, m.expiresAt]).toEqual([6, 25]);
    expect(message(q, 2).expiresAt).toBeUndefined();
  });
});
