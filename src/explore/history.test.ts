import { describe, expect, it } from 'vitest';
import { createSimulation } from '../sim/world.js';
import { History } from './history.js';

describe('History', () => {
  it('numbers messages per key in publish order unless the scenario numbers them', () => {
    const history = new History(() => 0);
    const ctx = history.context(createSimulation({ seed: 1 }));
    ctx.published('a1', { key: 'a', seq: 1 });
    ctx.published('a2', { key: 'a' });
    ctx.published('b1', { key: 'b' });
    ctx.published('a3', { key: 'a' });
    expect([...history.published.values()].map((m) => `${m.id}#${m.seq}`)).toEqual([
      'a1#1',
      'a2#2',
      'b1#1',
      'a3#3',
    ]);
  });

  it('counts what happened to each message', () => {
    const history = new History(() => 5);
    const ctx = history.context(createSimulation({ seed: 1 }));
    ctx.published('m1');
    ctx.delivered('m1');
    ctx.applied('m1');
    ctx.delivered('m1');
    ctx.deadLettered('m1', 'failed');
    expect(history.count('delivered', 'm1')).toBe(2);
    expect(history.count('applied', 'm1')).toBe(1);
    expect(history.count('dead-lettered', 'm1')).toBe(1);
    expect(history.count('applied', 'm2')).toBe(0);
    expect(history.of('delivered').map((e) => e.step)).toEqual([0, 2]);
    expect(history.events.at(-1)).toMatchObject({ op: 'dead-lettered', reason: 'failed', time: 5 });
  });
});
