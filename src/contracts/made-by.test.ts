import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contractOf, defineEvent } from './define-event.js';

const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string() }));
const OrderPaid = defineEvent('OrderPaid', z.object({ orderId: z.string() }));

describe('contractOf: which contract created or decoded a payload', () => {
  it('knows the contract of created and decoded payloads, and of nothing else', () => {
    const created = OrderCreated.create({ orderId: '1' });
    const decoded = OrderPaid.decode(OrderPaid.encode({ orderId: '2' }));
    expect(contractOf(created)).toBe(OrderCreated);
    expect(contractOf(decoded)).toBe(OrderPaid);
    expect(contractOf({ orderId: '1' })).toBeUndefined();
    expect(contractOf('OrderCreated')).toBeUndefined();
    expect(contractOf(null)).toBeUndefined();
  });

  it('leaves no trace on the payload: keys, JSON, spreads and clones are unchanged', () => {
    const created = OrderCreated.create({ orderId: '1' });
    expect(Reflect.ownKeys(created)).toEqual(['orderId']);
    expect(JSON.stringify(created)).toBe('{"orderId":"1"}');
    expect(contractOf({ ...created })).toBeUndefined();
    expect(contractOf(structuredClone(created))).toBeUndefined();
    expect(created).toStrictEqual({ orderId: '1' });
  });

  it('marks frozen payloads too, and the latest contract wins', () => {
    // A Standard Schema that hands back the very object it was given (zod returns a copy).
    const identity: StandardSchemaV1 = {
      '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }) },
    };
    const Frozen = defineEvent('Frozen', identity);
    const Other = defineEvent('Other', identity);
    const payload = Object.freeze({ orderId: '3' });
    expect(Frozen.create(payload as never)).toBe(payload);
    expect(contractOf(payload)).toBe(Frozen);
    const open = { orderId: '4' };
    Frozen.create(open);
    Other.create(open);
    expect(contractOf(open)).toBe(Other);
    Other.create(payload);
    expect(contractOf(payload)).toBe(Other);
    expect(Reflect.ownKeys(open)).toEqual(['orderId']);
    // Sealed or non-extensible (not frozen) objects, and objects frozen after their first mark.
    const sealed = Object.seal({ orderId: '5' });
    const closed = Object.preventExtensions({ orderId: '6' });
    Frozen.create(sealed);
    Frozen.create(closed);
    expect([contractOf(sealed), contractOf(closed)]).toEqual([Frozen, Frozen]);
    Object.freeze(open);
    Frozen.create(open);
    expect(contractOf(open)).toBe(Frozen);
  });
});
