import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { cloudEventsCodec, DecodeError, defineEvent, eventRegistry } from 'eventproof';

const schema = z.object({ orderId: z.string(), amount: z.number() });
const fixed = { id: () => 'id-1', time: () => new Date('2024-05-01T10:00:00.000Z') };

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DecodeError) return error.reason;
    throw error;
  }
  return 'decoded';
};

describe('cloudEventsCodec, structured mode', () => {
  const OrderCreated = defineEvent('OrderCreated', schema, {
    codec: cloudEventsCodec({ mode: 'structured', source: '/orders', ...fixed }),
  });

  it('writes the whole event as a CloudEvents 1.0 JSON envelope', () => {
    const wire = OrderCreated.encode({ orderId: '1', amount: 5 });
    expect(wire.headers['content-type']).toBe('application/cloudevents+json');
    expect(JSON.parse(Buffer.from(wire.value).toString())).toEqual({
      specversion: '1.0',
      id: 'id-1',
      source: '/orders',
      type: 'OrderCreated',
      time: '2024-05-01T10:00:00.000Z',
      datacontenttype: 'application/json',
      eventversion: '1',
      data: { orderId: '1', amount: 5 },
    });
    expect(OrderCreated.decode(wire)).toEqual({ orderId: '1', amount: 5 });
  });

  it('generates a UUID id and the current time by default', () => {
    const Plain = defineEvent('Plain', schema, {
      codec: cloudEventsCodec({ mode: 'structured', source: '/orders' }),
    });
    const body = JSON.parse(Buffer.from(Plain.encode({ orderId: '1', amount: 5 }).value).toString());
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(Date.parse(body.time) - Date.now())).toBeLessThan(60_000);
  });

  it('takes id and time from encode headers', () => {
    const wire = OrderCreated.encode(
      { orderId: '1', amount: 5 },
      { headers: { ce_id: 'custom', time: '2020-01-01T00:00:00Z', traceparent: 't' } },
    );
    const body = JSON.parse(Buffer.from(wire.value).toString());
    expect(body).toMatchObject({ id: 'custom', time: '2020-01-01T00:00:00Z' });
    expect(wire.headers).toEqual({ traceparent: 't', 'content-type': 'application/cloudevents+json' });
  });

  it('returns type and metadata when read through the codec', () => {
    const codec = OrderCreated.codec;
    const wire = OrderCreated.encode({ orderId: '1', amount: 5 });
    const decoded = codec.decode(wire, { type: 'OrderCreated' });
    expect(decoded.type).toBe('OrderCreated');
    expect(decoded.version).toBe(1);
    expect(decoded.metadata).toMatchObject({
      id: 'id-1',
      source: '/orders',
      time: '2024-05-01T10:00:00.000Z',
      specversion: '1.0',
    });
  });

  it.each([
    ['specversion', { id: '1', source: '/s', type: 'OrderCreated', data: {} }],
    ['id', { specversion: '1.0', source: '/s', type: 'OrderCreated', data: {} }],
    ['source', { specversion: '1.0', id: '1', type: 'OrderCreated', data: {} }],
    ['type', { specversion: '1.0', id: '1', source: '/s', data: {} }],
  ])('refuses an envelope without %s as invalid-envelope', (_missing, envelope) => {
    expect(reasonOf(() => OrderCreated.decode(JSON.stringify(envelope)))).toBe('invalid-envelope');
  });

  it('names other poison: a wrong specversion, a non-object body, bad JSON, bad data, another type', () => {
    const envelope = {
      specversion: '1.0',
      id: '1',
      source: '/s',
      type: 'OrderCreated',
      data: { orderId: '1', amount: 1 },
    };
    expect(reasonOf(() => OrderCreated.decode(JSON.stringify({ ...envelope, specversion: '0.3' })))).toBe(
      'invalid-envelope',
    );
    expect(reasonOf(() => OrderCreated.decode('[1,2]'))).toBe('invalid-envelope');
    expect(reasonOf(() => OrderCreated.decode('{"specversion":'))).toBe('invalid-json');
    expect(reasonOf(() => OrderCreated.decode(JSON.stringify({ ...envelope, data: { orderId: 1 } })))).toBe(
      'schema-violation',
    );
    expect(reasonOf(() => OrderCreated.decode(JSON.stringify({ ...envelope, type: 'OrderShipped' })))).toBe(
      'unknown-type',
    );
    expect(reasonOf(() => OrderCreated.decode(JSON.stringify(envelope)))).toBe('decoded');
  });

  it('reads data_base64 with a JSON content type', () => {
    const data = Buffer.from(JSON.stringify({ orderId: '2', amount: 3 })).toString('base64');
    const envelope = {
      specversion: '1.0',
      id: '1',
      source: '/s',
      type: 'OrderCreated',
      datacontenttype: 'application/json',
      data_base64: data,
    };
    expect(OrderCreated.decode(JSON.stringify(envelope))).toEqual({ orderId: '2', amount: 3 });
  });
});

describe('cloudEventsCodec, binary mode', () => {
  const codec = cloudEventsCodec({ mode: 'binary', source: '/orders', ...fixed });
  const OrderCreated = defineEvent('OrderCreated', schema, { codec });

  it('puts the data in the body and the attributes in ce_ headers', () => {
    const wire = OrderCreated.encode({ orderId: '1', amount: 5 });
    expect(JSON.parse(Buffer.from(wire.value).toString())).toEqual({ orderId: '1', amount: 5 });
    expect(wire.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'id-1',
      ce_source: '/orders',
      ce_type: 'OrderCreated',
      ce_time: '2024-05-01T10:00:00.000Z',
      ce_eventversion: '1',
      'content-type': 'application/json',
    });
    expect(OrderCreated.decode(wire)).toEqual({ orderId: '1', amount: 5 });
  });

  it('uses ce- headers for the HTTP binding and reads headers in any case', () => {
    const Http = defineEvent('OrderCreated', schema, {
      codec: cloudEventsCodec({ mode: 'binary', source: '/orders', headerPrefix: 'ce-', ...fixed }),
    });
    const wire = Http.encode({ orderId: '1', amount: 5 }, { headers: { 'ce-id': 'abc' } });
    expect(wire.headers).toMatchObject({ 'ce-id': 'abc', 'ce-type': 'OrderCreated' });
    const shouting = Object.fromEntries(Object.entries(wire.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(Http.decode(wire.value, shouting)).toEqual({ orderId: '1', amount: 5 });
    expect(Http.codec.decode({ value: wire.value, headers: shouting }, { type: '' }).metadata).toMatchObject({
      id: 'abc',
    });
  });

  it('reads a structured message too, telling the modes apart by headers', () => {
    const Structured = defineEvent('OrderCreated', schema, {
      codec: cloudEventsCodec({ mode: 'structured', source: '/x' }),
    });
    expect(OrderCreated.decode(Structured.encode({ orderId: '9', amount: 1 }))).toEqual({
      orderId: '9',
      amount: 1,
    });
  });

  it('refuses headers without required attributes as invalid-envelope', () => {
    const wire = OrderCreated.encode({ orderId: '1', amount: 5 });
    const { ce_source: _dropped, ...headers } = wire.headers;
    expect(reasonOf(() => OrderCreated.decode(wire.value, headers))).toBe('invalid-envelope');
    expect(reasonOf(() => OrderCreated.decode(Buffer.from('{oops'), wire.headers))).toBe('invalid-json');
  });

  it('lets a registry pick the contract from ce_type', () => {
    const OrderShipped = defineEvent('OrderShipped', z.object({ orderId: z.string() }), { codec });
    const registry = eventRegistry([OrderCreated, OrderShipped]);
    const { event, payload } = registry.decode(OrderShipped.encode({ orderId: '7' }));
    expect(event).toBe(OrderShipped);
    expect(payload).toEqual({ orderId: '7' });
  });

  it('rejects options it cannot use', () => {
    expect(() => cloudEventsCodec({ mode: 'binary', source: '' })).toThrow(/source is empty/);
    expect(() => cloudEventsCodec({ mode: 'weird' as never, source: '/s' })).toThrow(/mode must be/);
  });
});
