import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { checkCompatibility, defineEvent, EventproofError } from 'eventproof';

const OrderV1 = z.object({ orderId: z.string(), amount: z.number(), status: z.enum(['new', 'paid']) });
const rules = (result: { breaks: readonly { path: string; rule: string; direction: string }[] }) =>
  result.breaks.map((b) => `${b.direction} ${b.path} ${b.rule}`);

describe('checkCompatibility (zod evolutions)', () => {
  it('accepts a new optional field in every mode', async () => {
    const V2 = OrderV1.extend({ note: z.string().optional() });
    expect(await checkCompatibility(OrderV1, V2, 'full')).toEqual({
      compatible: true,
      mode: 'full',
      breaks: [],
    });
  });

  it('breaks backward on a new required field without a default, naming it', async () => {
    const V2 = OrderV1.extend({ currency: z.string() });
    const result = await checkCompatibility(OrderV1, V2, 'backward');
    expect(result.compatible).toBe(false);
    expect(result.breaks).toEqual([
      {
        path: 'currency',
        rule: 'required-field-added',
        direction: 'backward',
        message:
          'the newer schema requires "currency", which is not in the older schema; give it a default or make it optional',
      },
    ]);
    expect((await checkCompatibility(OrderV1, V2, 'forward')).compatible).toBe(true);
  });

  it('accepts a new required field that has a default', async () => {
    const V2 = OrderV1.extend({ currency: z.string().default('EUR') });
    expect((await checkCompatibility(OrderV1, V2, 'full')).compatible).toBe(true);
  });

  it('breaks forward when a required field is removed', async () => {
    const V2 = OrderV1.omit({ amount: true });
    expect(rules(await checkCompatibility(OrderV1, V2, 'full'))).toEqual([
      'forward amount required-field-removed',
    ]);
    expect((await checkCompatibility(OrderV1, V2, 'backward')).compatible).toBe(true);
  });

  it('breaks both ways when a field changes type', async () => {
    const V2 = OrderV1.extend({ amount: z.string() });
    const result = await checkCompatibility(OrderV1, V2, 'full');
    expect(rules(result)).toEqual(['backward amount type-changed', 'forward amount type-changed']);
    expect(result.breaks[0]?.message).toBe(
      'the older schema writes number but the newer schema reads string',
    );
  });

  it('tells an added enum value (forward) from a removed one (backward)', async () => {
    const added = OrderV1.extend({ status: z.enum(['new', 'paid', 'shipped']) });
    expect(rules(await checkCompatibility(OrderV1, added, 'full'))).toEqual([
      'forward status enum-value-added',
    ]);
    const removed = OrderV1.extend({ status: z.enum(['new']) });
    expect(rules(await checkCompatibility(OrderV1, removed, 'full'))).toEqual([
      'backward status enum-value-removed',
    ]);
  });

  it('flags narrowing a number to an integer and tightening a range', async () => {
    const V2 = OrderV1.extend({ amount: z.int().min(0) });
    expect(rules(await checkCompatibility(OrderV1, V2, 'backward'))).toEqual([
      'backward amount type-narrowed',
      'backward amount range-narrowed',
    ]);
  });

  it('reports nested paths through arrays', async () => {
    const V1 = z.object({ items: z.array(z.object({ sku: z.string(), qty: z.number() })) });
    const V2 = z.object({ items: z.array(z.object({ sku: z.string(), qty: z.string() })) });
    expect(rules(await checkCompatibility(V1, V2, 'backward'))).toEqual([
      'backward items[].qty type-changed',
    ]);
  });

  it('accepts widening to a union and making a field nullable, but not the reverse', async () => {
    const V2 = OrderV1.extend({ amount: z.number().nullable() });
    expect(rules(await checkCompatibility(OrderV1, V2, 'full'))).toEqual(['forward amount type-changed']);
  });

  it('takes event contracts as well as schemas', async () => {
    const A = defineEvent('OrderCreated', OrderV1);
    const B = defineEvent('OrderCreated', OrderV1.extend({ currency: z.string() }), { version: 2 });
    expect((await checkCompatibility(A, B, 'backward')).breaks.map((b) => b.path)).toEqual(['currency']);
  });
});

describe('checkCompatibility (JSON Schema, valibot, arktype)', () => {
  const closed = {
    type: 'object',
    properties: { id: { type: 'string' } },
    required: ['id'],
    additionalProperties: false,
  };

  it('flags a new field that an older closed schema rejects', async () => {
    const V2 = { ...closed, properties: { id: { type: 'string' }, note: { type: 'string' } } };
    const result = await checkCompatibility(closed, V2, 'full');
    expect(rules(result)).toEqual(['forward note additional-property-rejected']);
  });

  it('flags closing an open content model', async () => {
    const open = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    expect(rules(await checkCompatibility(open, closed, 'backward'))).toEqual([
      'backward (root) closed-content-model',
    ]);
  });

  it('follows $refs into $defs', async () => {
    const withRef = (qty: unknown) => ({
      type: 'object',
      properties: { line: { $ref: '#/$defs/Line' } },
      required: ['line'],
      $defs: { Line: { type: 'object', properties: { qty }, required: ['qty'] } },
    });
    expect(
      rules(await checkCompatibility(withRef({ type: 'integer' }), withRef({ type: 'string' }), 'backward')),
    ).toEqual(['backward line.qty type-changed']);
    expect(
      (await checkCompatibility(withRef({ type: 'integer' }), withRef({ type: 'number' }), 'backward'))
        .compatible,
    ).toBe(true);
  });

  it('renders valibot schemas through @valibot/to-json-schema', async () => {
    const V1 = v.object({ id: v.string() });
    const V2 = v.object({ id: v.string(), qty: v.number() });
    expect(rules(await checkCompatibility(V1, V2, 'full'))).toEqual(['backward qty required-field-added']);
  });

  it('renders arktype schemas through Standard JSON Schema', async () => {
    const V1 = type({ id: 'string', 'note?': 'string' });
    const V2 = type({ id: 'number', 'note?': 'string' });
    expect(rules(await checkCompatibility(V1, V2, 'backward'))).toEqual(['backward id type-changed']);
  });

  it('refuses an unknown mode', async () => {
    await expect(checkCompatibility(closed, closed, 'sideways' as never)).rejects.toThrow(EventproofError);
  });
});
