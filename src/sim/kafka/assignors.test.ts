import { describe, expect, it } from 'vitest';
import { assign, type AssignMember } from './assignors.js';

const member = (id: string, order: number, topics: string[], owned: string[] = []): AssignMember => ({
  id,
  order,
  topics: new Set(topics),
  owned,
});
const obj = (m: Map<string, string[]>) => Object.fromEntries(m);

describe('partition assignors', () => {
  it('a group of one gets every partition of its topics, sorted, whichever the assignor', () => {
    const partitions = new Map([
      ['b', 2],
      ['a', 12],
    ]);
    const expected = [
      'a/0',
      'a/1',
      'a/2',
      'a/3',
      'a/4',
      'a/5',
      'a/6',
      'a/7',
      'a/8',
      'a/9',
      'a/10',
      'a/11',
      'b/0',
      'b/1',
    ];
    for (const name of ['range', 'roundrobin', 'cooperative-sticky'] as const) {
      const result = assign(name, [member('m', 3, ['b', 'a', 'missing'], ['a/1'])], partitions);
      expect(obj(result)).toEqual({ m: expected });
    }
  });

  it('range gives each member a consecutive block per topic, the first members one extra', () => {
    const result = assign('range', [member('a', 0, ['t']), member('b', 1, ['t'])], new Map([['t', 5]]));
    expect(obj(result)).toEqual({ a: ['t/0', 't/1', 't/2'], b: ['t/3', 't/4'] });
  });

  it('range is per topic: with two 3-partition topics the first member gets 4 of 6', () => {
    const result = assign(
      'range',
      [member('a', 0, ['x', 'y']), member('b', 1, ['x', 'y'])],
      new Map([
        ['x', 3],
        ['y', 3],
      ]),
    );
    expect(obj(result)).toEqual({ a: ['x/0', 'x/1', 'y/0', 'y/1'], b: ['x/2', 'y/2'] });
  });

  it('roundrobin deals all partitions across members in turn', () => {
    const result = assign(
      'roundrobin',
      [member('a', 0, ['x', 'y']), member('b', 1, ['x', 'y'])],
      new Map([
        ['x', 3],
        ['y', 3],
      ]),
    );
    expect(obj(result)).toEqual({ a: ['x/0', 'x/2', 'y/1'], b: ['x/1', 'y/0', 'y/2'] });
  });

  it('roundrobin skips members not subscribed to a topic', () => {
    const result = assign(
      'roundrobin',
      [member('a', 0, ['x']), member('b', 1, ['x', 'y'])],
      new Map([
        ['x', 2],
        ['y', 2],
      ]),
    );
    expect(obj(result)).toEqual({ a: ['x/0'], b: ['x/1', 'y/0', 'y/1'] });
  });

  it('orders members by join order, not by the text of their ids', () => {
    const result = assign('range', [member('m-10', 1, ['t']), member('m-9', 0, ['t'])], new Map([['t', 2]]));
    expect(obj(result)).toEqual({ 'm-9': ['t/0'], 'm-10': ['t/1'] });
  });

  it('cooperative-sticky keeps owned partitions and moves only what balance needs when a member joins', () => {
    const before = ['t/0', 't/1', 't/2', 't/3', 't/4', 't/5'];
    const result = assign(
      'cooperative-sticky',
      [member('a', 0, ['t'], before), member('b', 1, ['t'])],
      new Map([['t', 6]]),
    );
    expect(result.get('a')).toHaveLength(3);
    expect(result.get('b')).toHaveLength(3);
    expect(result.get('a')!.every((t) => before.includes(t))).toBe(true);
    // Range would hand b the top half too, but moving any of a's kept partitions would be needless.
    expect(new Set([...result.get('a')!, ...result.get('b')!]).size).toBe(6);
  });

  it('cooperative-sticky keeps the survivors in place when a member leaves', () => {
    const result = assign(
      'cooperative-sticky',
      [member('a', 0, ['t'], ['t/0', 't/3']), member('c', 2, ['t'], ['t/2', 't/5'])],
      new Map([['t', 6]]),
    );
    expect(result.get('a')).toEqual(expect.arrayContaining(['t/0', 't/3']));
    expect(result.get('c')).toEqual(expect.arrayContaining(['t/2', 't/5']));
    expect(result.get('a')!.length + result.get('c')!.length).toBe(6);
    expect(Math.abs(result.get('a')!.length - result.get('c')!.length)).toBeLessThanOrEqual(1);
  });

  it.each(['range', 'roundrobin', 'cooperative-sticky'] as const)(
    '%s assigns every partition exactly once, and none when no member subscribes',
    (name) => {
      const members = [member('a', 0, ['t']), member('b', 1, ['t']), member('c', 2, ['t'])];
      const all = [...assign(name, members, new Map([['t', 7]])).values()].flat();
      expect(all.sort()).toEqual(['t/0', 't/1', 't/2', 't/3', 't/4', 't/5', 't/6']);
      expect([...assign(name, [member('a', 0, ['other'])], new Map([['t', 3]])).values()].flat()).toEqual([]);
    },
  );

  it.each(['range', 'roundrobin', 'cooperative-sticky'] as const)(
    '%s leaves extra members idle when there are more members than partitions',
    (name) => {
      const result = assign(
        name,
        [member('a', 0, ['t']), member('b', 1, ['t']), member('c', 2, ['t'])],
        new Map([['t', 2]]),
      );
      expect([...result.values()].filter((l) => l.length === 0)).toHaveLength(1);
    },
  );
});
