import { describe, expect, it } from 'vitest';
import { headersCopier, materialise, storeProperties } from './properties.js';

/** What a delivery must get: what `{ ...headers }` makes, compared by keys, order, values and kind. */
const expectSpreadCopy = (copy: Record<string, unknown>, headers: Record<string, unknown>) => {
  const spread = { ...headers };
  expect(copy).not.toBe(headers);
  expect(Reflect.ownKeys(copy)).toEqual(Reflect.ownKeys(spread));
  expect(Object.getOwnPropertyDescriptors(copy)).toEqual(Object.getOwnPropertyDescriptors(spread));
  expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  expect(JSON.stringify(copy)).toBe(JSON.stringify(spread));
};

describe('headersCopier', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['one key', { type: 'OrderCreated' }],
    ['several keys, objects kept by reference', { b: 1, a: { nested: true }, 'x-death': [{ count: 1 }] }],
    [
      'keys that need quoting',
      { 'quote"key': 1, "it's": 2, 'back\\slash': 3, 'line\u2028sep': 4, 'ü-ñ': 5, '': 6 },
    ],
    [
      'keys that look like code',
      { '}; throw new Error("x"); ({': 1, 'h["a"]': 2, constructor: 3, toString: 4 },
    ],
    [
      'an own __proto__ key',
      JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>,
    ],
    ['array-index keys among others', { b: 1, 2: 'two', 1: 'one', a: 0 }],
    ['a symbol key', { a: 1, [Symbol('s')]: 2 }],
    ['undefined values', { a: undefined, b: null }],
  ];
  for (const [name, headers] of cases)
    it(`copies like a spread: ${name}`, () => {
      const copy = headersCopier(headers);
      const first = copy(headers);
      const second = copy(headers);
      expectSpreadCopy(first, headers);
      expect(second).not.toBe(first);
      first.added = true;
      delete first[Object.keys(first)[0]!];
      expectSpreadCopy(copy(headers), headers); // a copy's changes reach neither the source nor later copies
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

  it('makes one copier per key set and reuses it', () => {
    expect(headersCopier({ type: 'a', id: 1 })).toBe(headersCopier({ type: 'b', id: 2 }));
    expect(headersCopier({ type: 'a', id: 1 })).not.toBe(headersCopier({ id: 1, type: 'a' }));
  });

  it('reuses the last copier only for exactly the same keys', () => {
    const last = { type: 'a', id: 1 };
    headersCopier(last);
    const symbol = Symbol('s');
    const others: Record<string, unknown>[] = [
      { type: 'a' },
      { type: 'a', id: 1, more: true },
      { id: 1, type: 'a' },
      { type: 'a', id: 1, [symbol]: 'kept' },
      Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, last),
    ];
    for (const headers of others) {
      headersCopier(last);
      expectSpreadCopy(headersCopier(headers)(headers), headers);
    }
    expect(headersCopier(last)).toBe(headersCopier({ type: 'b', id: 2 }));
  });

  it('stored properties carry the copier of their headers, and deliveries match materialise()', () => {
    for (const headers of [undefined, {}, { type: 'OrderCreated', n: 1 }]) {
      const stored = storeProperties({ messageId: 'm-1', headers });
      const delivered = stored!.copyHeaders!(stored!.headers);
      expectSpreadCopy(delivered, materialise(stored).headers);
    }
  });
});
