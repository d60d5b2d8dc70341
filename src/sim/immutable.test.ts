import { describe, expect, it } from 'vitest';
import { isImmutableRecord } from './immutable.js';

describe('isImmutableRecord', () => {
  it('accepts frozen plain objects with only own data properties', () => {
    expect(isImmutableRecord(Object.freeze({ a: 1, b: 'x' }))).toBe(true);
    expect(isImmutableRecord(Object.freeze(Object.assign(Object.create(null) as object, { a: 1 })))).toBe(
      true,
    );
    expect(isImmutableRecord(Object.freeze({ [Symbol('s')]: 1 }))).toBe(true);
  });

  it('refuses what could answer differently later', () => {
    expect(isImmutableRecord({ a: 1 })).toBe(false);
    expect(isImmutableRecord(Object.seal({ a: 1 }))).toBe(false);
    expect(isImmutableRecord(Object.freeze(Object.create({ inherited: 1 }) as object))).toBe(false);
    expect(
      isImmutableRecord(
        Object.freeze({
          get a() {
            return Math.random();
          },
        }),
      ),
    ).toBe(false);
    expect(
      isImmutableRecord(
        Object.freeze(
          new (class Thing {
            a = 1;
          })(),
        ),
      ),
    ).toBe(false);
    expect(isImmutableRecord(Object.freeze([1, 2]))).toBe(false);
    expect(isImmutableRecord('text')).toBe(false);
    expect(isImmutableRecord(null)).toBe(false);
  });
});
