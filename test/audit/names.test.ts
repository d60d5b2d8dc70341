import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventKey, textRanks, words } from '../../src/audit/names.js';

// The one-pass `words` replaced a chain of regular expressions for speed (issue 6). The chain is
// kept here as the reference: both must split every name the same way.
const reference = (name: string): string[] =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

describe('words', () => {
  it.each([
    ['OrderCreatedEvent', ['order', 'created', 'event']],
    ['HTTPServerError', ['http', 'server', 'error']],
    ['order_created', ['order', 'created']],
    ['ORDER_CREATED', ['order', 'created']],
    ['order.created.v2', ['order', 'created', 'v2']],
    ['orderCreatedV2Schema', ['order', 'created', 'v2', 'schema']],
    ['ABCdEFg', ['ab', 'cd', 'e', 'fg']],
    ['a1B', ['a1', 'b']],
    ['', []],
    ['--', []],
  ])('splits %s', (name, expected) => {
    expect(words(name)).toEqual(expected);
    expect(reference(name)).toEqual(expected);
  });

  it('splits any name as the regular-expression chain does', () => {
    const chars = fc.constantFrom(...'aAbBzZ0129_-. /:$éÉİı'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 16 }), (list) => {
        const name = list.join('');
        expect(words(name)).toEqual(reference(name));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps event keys as they were', () => {
    expect(eventKey('OrderCreatedEvent')).toBe('ordercreated');
    expect(eventKey('order.created')).toBe('ordercreated');
    expect(eventKey('ShopEvent')).toBe('shopevent');
  });
});

describe('textRanks', () => {
  it('orders like localeCompare, equal texts sharing a rank', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 40 }), (texts) => {
        const rank = textRanks(texts);
        const byRank = [...texts].sort((a, b) => rank.get(a)! - rank.get(b)!);
        const byCompare = [...texts].sort((a, b) => a.localeCompare(b));
        expect(byRank).toEqual(byCompare);
        for (const a of texts)
          for (const b of texts)
            expect(Math.sign(rank.get(a)! - rank.get(b)!)).toBe(Math.sign(a.localeCompare(b)));
      }),
      { numRuns: 300 },
    );
  });
});
