import { describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('Inbox', () => {
  it('builds a handed-over delivery when read, in arrival order, with the time it arrived', () => {
    const inbox = new Inbox('orders');
    let built = 0;
    inbox.add(bytes('1'), {}, 'a', {});
    inbox.arrive(() => (built++, { value: bytes('2'), headers: {}, key: 'b', properties: {}, at: 42 }));
    expect(built).toBe(0);
    inbox.add(bytes('3'), {}, 'c', {});
    expect(built).toBe(1);
    const messages = inbox.all();
    expect(messages.map((m) => [m.sequence, m.key])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(messages[1]?.at).toBe(42);
    inbox.all();
    expect(built).toBe(1);
  });

  it('counts what arrived before it is built, and tells its listeners of each arrival', () => {
    const inbox = new Inbox('orders');
    let told = 0;
    const stop = inbox.onChange(() => told++);
    inbox.arrive(() => ({ value: bytes('1'), headers: {}, key: undefined, properties: {}, at: 1 }));
    inbox.arrive(() => ({ value: bytes('2'), headers: {}, key: undefined, properties: {}, at: 2 }));
    expect([inbox.size, told]).toEqual([2, 2]);
    stop();
    expect(inbox.unclaimed()).toHaveLength(2);
    expect(inbox.size).toBe(2);
  });
});
