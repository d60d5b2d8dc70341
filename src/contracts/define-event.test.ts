import { z } from 'zod';
import * as v from 'valibot';
import { type } from 'arktype';
import { describe, expect, it } from 'vitest';
import { DecodeError, defineEvent, EventproofError, InvalidArgumentError, ValidationError } from 'eventproof';

const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string(), amount: z.number() }), {
  key: (order) => order.orderId,
});

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DecodeError) return error.reason;
    throw error;
  }
  return 'decoded';
};

describe('defineEvent', () => {
  it('round-trips a payload through the JSON codec with type, version and key', () => {
    const event = OrderCreated.create({ orderId: '123', amount: 100 });
    const wire = OrderCreated.encode(event);
    expect(wire.headers).toMatchObject({ 'event-type': 'OrderCreated', 'event-version': '1' });
    expect(wire.key).toBe('123');
    expect(OrderCreated.decode(wire.value)).toEqual({ orderId: '123', amount: 100 });
  });

  it.each([
    ['zod', z.object({ id: z.string() })],
    ['valibot', v.object({ id: v.string() })],
    ['arktype', type({ id: 'string' })],
    ['json-schema', { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }],
  ])('accepts a %s schema and rejects what it rejects', (vendor, schema) => {
    const Ping = defineEvent('Ping', schema);
    expect(Ping.schema.vendor).toBe(vendor);
    expect(Ping.create({ id: 'a' })).toEqual({ id: 'a' });
    expect(() => Ping.create({ id: 1 })).toThrow(ValidationError);
    expect(reasonOf(() => Ping.decode('{"id":1}'))).toBe('schema-violation');
  });

  it('names each kind of poison', () => {
    expect(reasonOf(() => OrderCreated.decode(42 as never))).toBe('not-bytes');
    expect(reasonOf(() => OrderCreated.decode(new Uint8Array([0xff, 0xfe])))).toBe('invalid-utf8');
    expect(reasonOf(() => OrderCreated.decode(Buffer.from('not valid json')))).toBe('invalid-json');
    expect(reasonOf(() => OrderCreated.decode('{"orderId":"1"}'))).toBe('schema-violation');
    expect(
      reasonOf(() => OrderCreated.decode('{"orderId":"1","amount":1}', { 'event-type': 'OrderShipped' })),
    ).toBe('unknown-type');
    expect(reasonOf(() => OrderCreated.decode('{"orderId":"1","amount":1}', { 'event-version': '2' }))).toBe(
      'unsupported-version',
    );
  });

  it('keeps the raw bytes on a DecodeError', () => {
    const raw = Buffer.from('not valid json');
    const error = (() => {
      try {
        OrderCreated.decode(raw);
      } catch (e) {
        return e as DecodeError;
      }
    })();
    expect(error).toBeInstanceOf(EventproofError);
    expect(Buffer.from(error!.raw).toString()).toBe('not valid json');
    expect(error!.message).toMatch(
      /^\[eventproof\] Failed to decode OrderCreated: the payload is not valid JSON/,
    );
  });

  it('refuses __proto__ keys instead of handing them to the handler', () => {
    const Any = defineEvent('Any', z.record(z.string(), z.unknown()));
    expect(reasonOf(() => Any.decode('{"__proto__":{"polluted":true}}'))).toBe('invalid-json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('upcasts older versions and rejects versions without an upcaster', () => {
    const V2 = defineEvent('OrderCreated', z.object({ orderId: z.string(), total: z.number() }), {
      version: 2,
      upcasters: {
        1: (v1) => ({
          orderId: (v1 as { orderId: string }).orderId,
          total: (v1 as { amount: number }).amount,
        }),
      },
    });
    expect(V2.decode('{"orderId":"1","amount":5}', { 'event-version': '1' })).toEqual({
      orderId: '1',
      total: 5,
    });
    const V3 = defineEvent('OrderCreated', z.object({}), { version: 3 });
    expect(reasonOf(() => V3.decode('{}', { 'event-version': '1' }))).toBe('unsupported-version');
  });

  it('rejects an empty name and a schema it cannot use', () => {
    expect(() => defineEvent('', z.object({}))).toThrow(InvalidArgumentError);
    expect(() => defineEvent('X', 42 as never)).toThrow(
      /neither a Standard Schema validator nor a JSON Schema/,
    );
  });
});
