import fc from 'fast-check';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  checkRoundTrip,
  defineEvent,
  EventproofError,
  InvalidArgumentError,
  RoundTripError,
} from 'eventproof';
import { avroCodec } from 'eventproof/avro';

const failureOf = (fn: () => unknown): RoundTripError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RoundTripError) return error;
    throw error;
  }
  throw new Error('expected a RoundTripError, but the check passed');
};

describe('checkRoundTrip with zod', () => {
  it('passes a schema of strings and integers, reporting runs and seed', () => {
    const Ping = defineEvent(
      'Ping',
      z.object({ id: z.string(), count: z.int(), tags: z.array(z.string()), kind: z.enum(['a', 'b']) }),
    );
    expect(checkRoundTrip(Ping, { seed: 42 })).toEqual({
      event: 'Ping',
      codec: 'json',
      runs: 100,
      skipped: 0,
      seed: 42,
    });
    expect(checkRoundTrip(Ping, { runs: 10 }).runs).toBe(10);
  });

  it('fails a z.date() field, pointing at the date that became a string', () => {
    const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string(), createdAt: z.date() }));
    const error = failureOf(() => checkRoundTrip(OrderCreated, { seed: 1 }));
    expect(error).toBeInstanceOf(EventproofError);
    expect(error.code).toBe('ROUND_TRIP_FAILED');
    expect(error.path).toEqual(['createdAt']);
    expect(error.before).toBeInstanceOf(Date);
    expect(typeof error.after).toBe('string');
    expect(error.counterexample).toEqual({ orderId: '', createdAt: expect.any(Date) });
    expect(error.message).toMatchInlineSnapshot(`
      "[eventproof] Failed to round-trip OrderCreated through the json codec: createdAt: Date 1970-01-01T00:00:00.000Z became string "1970-01-01T00:00:00.000Z", and the contract then rejected it (createdAt: Invalid input: expected date, received string).
        Smallest payload: {"orderId":"","createdAt":new Date("1970-01-01T00:00:00.000Z")}
        Changed at: createdAt
        Replay: checkRoundTrip(OrderCreated, { seed: 1, path: "0:0:0" })
        Fix: Carry dates as ISO strings (z.iso.datetime()) or coerce on decode (z.coerce.date()), or use a codec that keeps Dates."
    `);
  });

  it('fails a number that may be -0', () => {
    const Paid = defineEvent('Paid', z.object({ amount: z.number() }));
    const error = failureOf(() => checkRoundTrip(Paid, { seed: 7 }));
    expect(error.path).toEqual(['amount']);
    expect(Object.is(error.before, -0)).toBe(true);
    expect(Object.is(error.after, 0)).toBe(true);
    expect(error.message).toContain('amount: -0 became 0');
  });

  it('passes a number once the schema rules out what JSON cannot carry', () => {
    const Paid = defineEvent('Paid', z.object({ amount: z.number().refine((n) => !Object.is(n, -0)) }));
    expect(checkRoundTrip(Paid, { seed: 7, runs: 300 }).runs).toBe(300);
  });

  it('tells an explicit undefined from a missing key', () => {
    const Noted = defineEvent('Noted', z.object({ note: z.string().optional() }));
    const error = failureOf(() => checkRoundTrip(Noted, { seed: 3 }));
    expect(error.message).toContain('note: undefined became missing');
    expect(error.counterexample).toEqual({ note: undefined });
    expect(Object.hasOwn(error.counterexample as object, 'note')).toBe(true);
  });

  it('reports a BigInt that JSON cannot encode as a failure, not a crash', () => {
    const Ledger = defineEvent('Ledger', z.object({ id: z.string(), balance: z.bigint() }));
    const error = failureOf(() => checkRoundTrip(Ledger, { seed: 5 }));
    expect(error.stage).toBe('encode');
    expect(error.path).toEqual(['balance']);
    expect(error.message).toMatch(
      /balance: bigint -?\d+n could not be encoded \(Failed to encode Ledger as JSON: Do not know how to serialize a BigInt/,
    );
  });

  it('names a Map that became a plain object', () => {
    const Stock = defineEvent('Stock', z.object({ levels: z.map(z.string(), z.int()) }));
    const error = failureOf(() => checkRoundTrip(Stock, { seed: 9 }));
    expect(error.path).toEqual(['levels']);
    expect(error.message).toMatch(/levels: Map with \d+ entr(y|ies) became object/);
  });

  it('replays the same counterexample from the printed seed and path', () => {
    const OrderCreated = defineEvent('OrderCreated', z.object({ at: z.date(), n: z.number() }));
    const first = failureOf(() => checkRoundTrip(OrderCreated));
    const again = failureOf(() => checkRoundTrip(OrderCreated, { seed: first.seed, path: first.replayPath }));
    expect(again.counterexample).toEqual(first.counterexample);
    expect(again.path).toEqual(first.path);
  });

  it('finds lone surrogates that a binary codec mangles', () => {
    const Named = defineEvent('Named', z.object({ name: z.string() }), {
      codec: avroCodec({ type: 'record', name: 'Named', fields: [{ name: 'name', type: 'string' }] }),
    });
    const error = failureOf(() => checkRoundTrip(Named, { seed: 11, runs: 300 }));
    expect(error.path).toEqual(['name']);
    expect(error.message).toMatch(/name: string ".*\\ud[89a-f][0-9a-f]{2}.*" became string/);
  });
});

describe('checkRoundTrip derives payloads from other schema libraries', () => {
  it('walks valibot schemas', () => {
    const Ok = defineEvent(
      'Ok',
      v.object({
        id: v.pipe(v.string(), v.uuid()),
        qty: v.pipe(v.number(), v.integer(), v.minValue(1)),
        tags: v.array(v.picklist(['x', 'y'])),
      }),
    );
    expect(checkRoundTrip(Ok, { seed: 2 }).runs).toBe(100);
    const Dated = defineEvent('Dated', v.object({ id: v.string(), at: v.date() }));
    expect(failureOf(() => checkRoundTrip(Dated, { seed: 2 })).path).toEqual(['at']);
  });

  it('uses the JSON Schema rendering of arktype', () => {
    const Ok = defineEvent('Ok', type({ id: 'string', qty: 'number.integer', 'note?': 'string' }));
    expect(checkRoundTrip(Ok, { seed: 4 }).runs).toBe(100);
    const Paid = defineEvent('Paid', type({ amount: 'number' }));
    const error = failureOf(() => checkRoundTrip(Paid, { seed: 4 }));
    expect(error.path).toEqual(['amount']);
  });

  it('walks JSON Schema contracts, $refs included', () => {
    const Order = defineEvent('Order', {
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        at: { type: 'string', format: 'date-time' },
        qty: { type: 'integer', minimum: 0 },
        email: { type: 'string', format: 'email' },
        status: { enum: ['new', 'paid'] },
        customer: { $ref: '#/$defs/Customer' },
        note: { anyOf: [{ type: 'string', maxLength: 20 }, { type: 'null' }] },
      },
      required: ['id', 'at', 'qty', 'status', 'customer'],
      additionalProperties: false,
      $defs: {
        Customer: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1 } },
          required: ['name'],
        },
      },
    });
    expect(checkRoundTrip(Order, { seed: 8 }).skipped).toBe(0);
    const Loose = defineEvent('Loose', {
      type: 'object',
      properties: { x: { type: 'number' } },
      required: ['x'],
    });
    expect(failureOf(() => checkRoundTrip(Loose, { seed: 8 })).path).toEqual(['x']);
  });
});

describe('checkRoundTrip aims at what the schema accepts', () => {
  it('generates zod formats, bounds, unions and exhaustive records without wasting runs', () => {
    const Rich = defineEvent(
      'Rich',
      z.object({
        id: z.uuid(),
        email: z.email(),
        at: z.iso.datetime(),
        day: z.iso.date(),
        code: z.string().regex(/^[A-Z]{3}-\d{2}$/),
        qty: z.int().positive().max(100),
        short: z.string().min(2).max(4),
        pair: z.tuple([z.string(), z.boolean()]),
        flags: z.record(z.enum(['a', 'b']), z.boolean()),
        shape: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('dot') }),
          z.object({ kind: z.literal('box'), side: z.int() }),
        ]),
        label: z.string().nullable().default('none'),
      }),
    );
    const summary = checkRoundTrip(Rich, { seed: 3 });
    expect(summary.runs).toBe(100);
    expect(summary.skipped).toBeLessThan(20);
  });

  it('generates valibot formats and bounds without wasting runs', () => {
    const Rich = defineEvent(
      'Rich',
      v.object({
        id: v.pipe(v.string(), v.uuid()),
        email: v.pipe(v.string(), v.email()),
        at: v.pipe(v.string(), v.isoTimestamp()),
        local: v.pipe(v.string(), v.isoDateTime()),
        short: v.pipe(v.string(), v.minLength(2), v.maxLength(4)),
        qty: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9)),
        shape: v.variant('kind', [v.object({ kind: v.literal('dot') })]),
        note: v.nullable(v.string()),
      }),
    );
    expect(checkRoundTrip(Rich, { seed: 3 }).skipped).toBeLessThan(20);
  });
});

describe('checkRoundTrip on schemas it cannot derive from', () => {
  it('names the construct and suggests the arbitrary option', () => {
    const Both = defineEvent(
      'Both',
      z.object({ a: z.object({ x: z.string() }).and(z.object({ y: z.string() })) }),
    );
    expect(() => checkRoundTrip(Both)).toThrow(
      '[eventproof] Failed to derive payloads for Both: its schema uses an intersection (z.intersection / .and) at a, which eventproof cannot generate values for. Pass your own fast-check arbitrary: checkRoundTrip(event, { arbitrary: fc.record({ … }) }).',
    );
    const arbitrary = fc.record({ a: fc.record({ x: fc.string(), y: fc.string() }) });
    expect(checkRoundTrip(Both, { arbitrary, seed: 1 }).runs).toBe(100);
  });

  it('names an unknown JSON Schema keyword', () => {
    const Not = defineEvent('Not', { type: 'object', properties: { a: { not: { type: 'string' } } } });
    expect(() => checkRoundTrip(Not)).toThrow(/the JSON Schema keyword "not" at a/);
  });

  it('says so when the schema rejects nearly everything generated', () => {
    const Picky = defineEvent('Picky', z.object({ code: z.string().refine((s) => s === 'exactly-this') }));
    let error: unknown;
    try {
      checkRoundTrip(Picky, { seed: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EventproofError);
    expect((error as EventproofError).code).toBe('UNSUPPORTED_SCHEMA');
    expect((error as Error).message).toMatch(/the schema rejected \d+ of the generated payloads/);
  });

  it('refuses a run count that is not a positive integer', () => {
    const Ping = defineEvent('Ping', z.object({ id: z.string() }));
    expect(() => checkRoundTrip(Ping, { runs: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('checkRoundTrip tolerances', () => {
  const Optional = defineEvent(
    'Optional',
    z.object({ id: z.string(), note: z.string().optional(), amount: z.number() }),
  );

  it('reports undefined-as-missing and -0 by default', () => {
    expect(() => checkRoundTrip(Optional, { runs: 300, seed: 7 })).toThrow(RoundTripError);
  });

  it('accepts the changes it is told to tolerate, and still reports the rest', () => {
    expect(
      checkRoundTrip(Optional, { runs: 300, seed: 7, tolerate: ['undefined-as-missing', 'negative-zero'] })
        .runs,
    ).toBe(300);
    const WithDate = defineEvent('WithDate', z.object({ at: z.date(), note: z.string().optional() }));
    expect(() =>
      checkRoundTrip(WithDate, { runs: 100, seed: 7, tolerate: ['undefined-as-missing'] }),
    ).toThrow(/at: Date/);
  });
});
