import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../contracts/define-event.js';
import { InvalidArgumentError, MissingPeerDependencyError, ValidationError } from '../errors.js';
import { isolatedName, isolatedPrefix } from './names.js';
import { loadPeer } from './peer.js';
import { outgoing } from './received.js';

const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string() }), {
  key: (o) => o.orderId,
});

describe('outgoing', () => {
  it('encodes through a contract, with its key and type headers; an explicit key wins', () => {
    expect(outgoing([OrderCreated, { orderId: '1' }])).toMatchObject({
      key: '1',
      headers: { 'event-type': 'OrderCreated' },
    });
    expect(outgoing([OrderCreated, { orderId: '1' }, { key: 'order.created' }]).key).toBe('order.created');
  });

  it('encodes a payload made by a contract without being told the contract', () => {
    expect(outgoing([OrderCreated.create({ orderId: '2' })]).key).toBe('2');
  });

  it('sends raw text and bytes as they are', () => {
    const message = outgoing([{ value: 'hello', headers: { a: 'b' } }]);
    expect(new TextDecoder().decode(message.value)).toBe('hello');
    expect(message.headers).toEqual({ a: 'b' });
  });

  it('validates through the contract before anything is sent', () => {
    expect(() => outgoing([OrderCreated, { orderId: 1 }])).toThrow(ValidationError);
  });

  it('explains what it accepts when given something else', () => {
    expect(() => outgoing([{ orderId: '1' }])).toThrow(InvalidArgumentError);
    expect(() => outgoing([42])).toThrow(/expected an event contract and a payload/);
  });
});

describe('isolated names', () => {
  it('are unique per probe and keep a .fifo suffix and the length limit', () => {
    const a = isolatedPrefix('My Test!');
    expect(a).toMatch(/^ep-my-test-[0-9a-f]{8}$/);
    expect(isolatedPrefix('x')).not.toBe(isolatedPrefix('x'));
    const fifo = isolatedName(a, `${'q'.repeat(100)}.fifo`, 80);
    expect(fifo).toHaveLength(80);
    expect(fifo.endsWith('.fifo')).toBe(true);
    expect(isolatedName('p', 'orders.created')).toBe('p-orders-created');
  });
});

describe('loadPeer', () => {
  it('turns a missing client into MissingPeerDependencyError with the install command', async () => {
    const error = await loadPeer('eventproof-no-such-client', 'The test probe').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPeerDependencyError);
    expect((error as Error).message).toContain('npm install --save-dev eventproof-no-such-client');
  });
});
