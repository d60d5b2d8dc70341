import { describe, expect, it } from 'vitest';
import { createSimulation } from '../sim/world.js';
import { History, publishAll, PublishedSet } from './history.js';

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

  it('publishes a shared set as publishing each of its messages would, and copies it before adding more', () => {
    const messages = [
      { id: 'a1', meta: { key: 'a', seq: 1 } },
      { id: 'b1', meta: { key: 'b', seq: 1, poison: true } },
      { id: 'a2', meta: { key: 'a' } },
    ];
    const set = new PublishedSet(messages);
    const oneByOne = new History(() => 0);
    const each = oneByOne.context(createSimulation({ seed: 1 }));
    for (const { id, meta } of messages) each.published(id, meta);

    const shared = new History(() => 0);
    const ctx = shared.context(createSimulation({ seed: 1 }));
    publishAll(ctx, set);
    expect(shared.published).toBe(set.byId);
    expect([...shared.published.values()]).toEqual([...oneByOne.published.values()]);
    // Publishing more numbers on from the set, without changing it for other runs.
    ctx.published('a3', { key: 'a' });
    each.published('a3', { key: 'a' });
    expect([...shared.published.values()]).toEqual([...oneByOne.published.values()]);
    expect(shared.published.get('a3')).toMatchObject({ seq: 3, order: 3 });
    expect(set.byId.size).toBe(3);

    // A context that is not the run being built (another was made since) publishes one by one.
    const earlier = new History(() => 0);
    const earlierCtx = earlier.context(createSimulation({ seed: 1 }));
    new History(() => 0).context(createSimulation({ seed: 1 }));
    publishAll(earlierCtx, set);
    expect([...earlier.published.values()]).toEqual([...set.byId.values()]);
    expect(earlier.published).not.toBe(set.byId);
  });
});
