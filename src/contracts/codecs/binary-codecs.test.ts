import protobuf from 'protobufjs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DecodeError, defineEvent, EventproofError } from 'eventproof';
import { avroCodec } from 'eventproof/avro';
import { protobufCodec } from 'eventproof/protobuf';

const schema = z.object({ orderId: z.string(), amount: z.number(), tags: z.array(z.string()) });
const order = { orderId: 'o-1', amount: 12.5, tags: ['a', 'b'] };

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DecodeError) return error.reason;
    throw error;
  }
  return 'decoded';
};

const avroSchema = {
  type: 'record',
  name: 'OrderCreated',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

const proto = protobuf.parse(
  'syntax = "proto3"; message OrderCreated { string orderId = 1; double amount = 2; repeated string tags = 3; }',
).root;

describe.each([
  ['avro', () => avroCodec(avroSchema), 'application/avro'],
  ['protobuf', () => protobufCodec(proto.lookupType('OrderCreated')), 'application/x-protobuf'],
])('%s codec', (name, makeCodec, contentType) => {
  const OrderCreated = defineEvent('OrderCreated', schema, {
    version: 2,
    codec: makeCodec(),
    upcasters: { 1: (v) => v },
  });

  it('round-trips a payload to plain objects with type and version headers', () => {
    const wire = OrderCreated.encode(order);
    expect(wire.headers).toEqual({
      'event-type': 'OrderCreated',
      'event-version': '2',
      'content-type': contentType,
    });
    const decoded = OrderCreated.decode(wire);
    expect(decoded).toEqual(order);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(OrderCreated.codec.name).toBe(name);
  });

  it('refuses a corrupt buffer as codec-error, keeping the bytes', () => {
    const wire = OrderCreated.encode(order);
    const truncated = wire.value.subarray(0, wire.value.length - 1);
    let error: unknown;
    try {
      OrderCreated.decode(truncated, wire.headers);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).reason).toBe('codec-error');
    expect((error as DecodeError).raw).toEqual(truncated);
    expect((error as DecodeError).message).toMatch(
      /^\[eventproof\] Failed to decode OrderCreated: the bytes are not a valid (Avro|Protobuf)/,
    );
  });

  it('still names the other poison reasons from headers', () => {
    const wire = OrderCreated.encode(order);
    expect(reasonOf(() => OrderCreated.decode(wire.value, { 'event-type': 'OrderShipped' }))).toBe(
      'unknown-type',
    );
    expect(reasonOf(() => OrderCreated.decode(wire.value, { 'event-version': '3' }))).toBe(
      'unsupported-version',
    );
    expect(reasonOf(() => OrderCreated.decode(wire.value, { 'event-version': '1' }))).toBe('decoded');
  });

  it('reports a payload the binary schema cannot hold as an encode failure', () => {
    const Loose = defineEvent('Loose', z.object({ orderId: z.number() }), { codec: makeCodec() });
    expect(() => Loose.encode({ orderId: 5 })).toThrow(EventproofError);
    expect(() => Loose.encode({ orderId: 5 })).toThrow(/Failed to encode Loose as (Avro|Protobuf)/);
  });
});

describe('binary codec arguments', () => {
  it('refuses an invalid Avro schema and a non-Type for Protobuf', () => {
    expect(() => avroCodec({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] })).toThrow(
      /Failed to create an Avro codec/,
    );
    expect(() => protobufCodec({} as never)).toThrow(/not a protobufjs message Type/);
  });

  it('refuses trailing garbage after an Avro value', () => {
    const Avro = defineEvent('OrderCreated', schema, { codec: avroCodec(avroSchema) });
    const wire = Avro.encode(order);
    expect(reasonOf(() => Avro.decode(Buffer.concat([wire.value, Buffer.from([1, 2, 3])])))).toBe(
      'codec-error',
    );
  });
});
