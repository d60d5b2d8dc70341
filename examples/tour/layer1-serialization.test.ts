import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DecodeError, checkRoundTrip, defineEvent } from 'eventproof';

// A contract: a name, any Standard Schema (zod here) and the partition key.
const OrderCreated = defineEvent(
  'OrderCreated',
  z.object({ orderId: z.string(), amount: z.number().positive(), placedAt: z.iso.datetime() }),
  { key: (order) => order.orderId },
);

describe('Layer 1: serialization', () => {
  it('restores what it encoded', () => {
    const event = OrderCreated.create({ orderId: '123', amount: 100, placedAt: '2026-11-24T10:00:00.000Z' });

    const message = OrderCreated.encode(event); // bytes, headers (event-type, event-version), key
    const restored = OrderCreated.decode(message.value, message.headers);

    expect(restored.orderId).toBe('123');
    expect(restored.amount).toBe(100);
  });

  it('survives encode → decode for every payload the schema allows', () => {
    checkRoundTrip(OrderCreated, { runs: 500, seed: 1 });
  });

  it('catches a field JSON cannot carry, with the smallest payload that breaks', () => {
    const Lossy = defineEvent('OrderCreated', z.object({ orderId: z.string(), placedAt: z.date() }));

    expect(() => checkRoundTrip(Lossy, { seed: 1 })).toThrow(/placedAt: Date .* became string/);
  });

  it('names the poison instead of crashing the consumer', () => {
    expect(() => OrderCreated.decode(Buffer.from('not valid json'))).toThrow(DecodeError);
    expect(() => OrderCreated.decode('{"orderId":"123"}')).toThrow(
      expect.objectContaining({ reason: 'schema-violation' }),
    );
  });
});
