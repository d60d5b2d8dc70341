import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  cloudEventsCodec,
  DecodeError,
  defineEvent,
  eventRegistry,
  type Codec,
  type EventType,
  type Headers,
} from 'eventproof';

// Bad input must end as a DecodeError or a correct decode: never another exception, a hang or a polluted prototype.

const line = z.object({ sku: z.string(), qty: z.int() });
const orderSchema = z.object({
  orderId: z.string(),
  amount: z.number(),
  note: z.string().optional(),
  lines: z.array(line),
  meta: z.record(z.string(), z.unknown()),
});
const shippedSchema = z.object({ orderId: z.string(), carrier: z.string() });

const codecs: [string, () => Codec][] = [
  ['json', () => undefined as unknown as Codec],
  ['cloudevents structured', () => cloudEventsCodec({ mode: 'structured', source: '/fuzz' })],
  ['cloudevents binary', () => cloudEventsCodec({ mode: 'binary', source: '/fuzz' })],
];

const order = fc.record({
  orderId: fc.string(),
  amount: fc.double({ noNaN: true, noDefaultInfinity: true }),
  lines: fc.array(fc.record({ sku: fc.string(), qty: fc.integer() }), { maxLength: 3 }),
  meta: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
});

const prototypeKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '\\u005f_proto__',
  '__\\u0070roto__',
);
/** JSON text whose keys include prototype-pollution candidates, some of them written with escapes. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    tie('object'),
  ),
  object: fc
    .array(
      fc.tuple(
        fc.oneof(
          prototypeKeys,
          fc.string().map((s) => JSON.stringify(s).slice(1, -1)),
        ),
        tie('value') as fc.Arbitrary<string>,
      ),
      { maxLength: 4 },
    )
    .map((entries) => `{${entries.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
})).object;

const snapshotPrototype = () => [
  Object.getOwnPropertyNames(Object.prototype).sort().join(','),
  Object.getPrototypeOf({}) === Object.prototype,
];

/** Runs a decode and classifies the outcome; any other exception fails the test with its own stack. */
function outcome(decode: () => unknown): 'decoded' | DecodeError['reason'] {
  try {
    decode();
    return 'decoded';
  } catch (error) {
    if (error instanceof DecodeError) return error.reason;
    throw error;
  }
}

function expectUnpolluted(before: unknown[]) {
  expect(snapshotPrototype()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

describe.each(codecs)('bad input through the %s codec', (name, makeCodec) => {
  const codec = name === 'json' ? undefined : makeCodec();
  const OrderCreated = defineEvent('OrderCreated', orderSchema, codec ? { codec } : {});
  const OrderShipped = defineEvent('OrderShipped', shippedSchema, codec ? { codec } : {});
  const registry = eventRegistry([OrderCreated, OrderShipped] as EventType[]);
  const sample = OrderCreated.encode({ orderId: 'o-1', amount: 1, lines: [{ sku: 'a', qty: 1 }], meta: {} });
  /** Binary mode needs its attribute headers, or the body is read as a structured envelope. */
  const headersFor = (): Headers => (name === 'cloudevents binary' ? sample.headers : {});
  /** Puts hostile JSON where this codec reads the payload. */
  const wrap = (json: string): string =>
    name === 'cloudevents structured'
      ? `{"specversion":"1.0","id":"1","source":"/x","type":"OrderCreated","data":${json}}`
      : json;
  const both = (raw: Uint8Array | string, headers: Headers = headersFor()) => [
    outcome(() => OrderCreated.decode(raw, headers)),
    outcome(() => registry.decode(raw, headers)),
  ];

  it('turns random bytes into a DecodeError or a decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        both(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('turns every truncation of a valid event into a DecodeError', () => {
    fc.assert(
      fc.property(order, fc.nat(), (payload, cut) => {
        const wire = OrderCreated.encode(payload);
        const at = cut % wire.value.length;
        const reasons = both(wire.value.subarray(0, at), wire.headers);
        expect(reasons).not.toContain('decoded');
      }),
      { numRuns: 200 },
    );
  });

  it('never lets __proto__ or constructor.prototype keys reach a prototype, escaped or not', () => {
    const before = snapshotPrototype();
    fc.assert(
      fc.property(hostileJson, (json) => {
        both(wrap(json));
        both(wrap(`{"orderId":"1","amount":1,"lines":[],"meta":${json}}`));
        expectUnpolluted(before);
      }),
      { numRuns: 300 },
    );
    for (const key of ['__proto__', '\\u005f_proto__', '\\u005F\\u005Fproto\\u005F\\u005F']) {
      const reasons = both(wrap(`{"orderId":"1","amount":1,"lines":[],"meta":{"${key}":{"polluted":true}}}`));
      expect(reasons).toEqual(['invalid-json', 'invalid-json']);
    }
    const viaConstructor = both(
      wrap('{"orderId":"1","amount":1,"lines":[],"meta":{"constructor":{"prototype":{"polluted":true}}}}'),
    );
    expect(viaConstructor).toEqual(['decoded', 'decoded']);
    expectUnpolluted(before);
  });

  it('refuses JSON nested 10,000 levels deep quickly', () => {
    for (const deep of [
      '['.repeat(10_000) + ']'.repeat(10_000),
      '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
    ]) {
      const started = performance.now();
      expect(both(wrap(deep))).toEqual(['invalid-json', 'invalid-json']);
      expect(both(wrap(`{"orderId":"1","amount":1,"lines":[],"meta":{"x":${deep}}}`))).toEqual([
        'invalid-json',
        'invalid-json',
      ]);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });

  it('decodes a 10 MB payload correctly and in bounded time', () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const wire = OrderCreated.encode({ orderId: big, amount: 1, lines: [], meta: {} });
    const started = performance.now();
    expect(OrderCreated.decode(wire).orderId.length).toBe(big.length);
    expect((registry.decode(wire).payload as { orderId: string }).orderId).toBe(big);
    expect(both(wire.value.subarray(0, wire.value.length - 1), wire.headers)).toEqual([
      'invalid-json',
      'invalid-json',
    ]);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('turns random headers into a DecodeError or a decode', () => {
    const header = fc.oneof(
      fc.constantFrom(
        'ce_specversion',
        'ce_id',
        'ce_type',
        'ce___proto__',
        'event-type',
        'event-version',
        'content-type',
      ),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.dictionary(header, fc.string(), { maxKeys: 6 }), fc.boolean(), (headers, valid) => {
        const body = valid ? sample.value : new TextEncoder().encode('{"orderId":');
        both(body, { ...headersFor(), ...headers });
      }),
      { numRuns: 200 },
    );
  });
});

describe('inputs that are not bytes', () => {
  const OrderCreated = defineEvent('OrderCreated', orderSchema);
  it.each([[42], [null], [undefined], [{}], [[1, 2]], [{ value: 'not bytes' }]])(
    'refuses %j as not-bytes',
    (raw) => {
      expect(outcome(() => OrderCreated.decode(raw as never))).toBe('not-bytes');
      expect(outcome(() => eventRegistry([OrderCreated]).decode(raw as never))).toBe('not-bytes');
    },
  );
});
