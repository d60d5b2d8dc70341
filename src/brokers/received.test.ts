import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../contracts/define-event.js';
import { InvalidArgumentError, MissingPeerDependencyError, ValidationError } from '../errors.js';
import { isolatedName, isolatedPrefix } from './names.js';
import { loadPeer } from './peer.js';
import { outgoing, receivedMessage } from './received.js';

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

describe('receivedMessage', () => {
  const text = new TextEncoder();

  it('has the payload as an own, enumerable property: equality, spread and JSON see it', () => {
    const message = receivedMessage('orders', 1, text.encode('{"orderId":"1"}'), {}, '1', {});
    expect(Object.keys(message)).toEqual([
      'destination',
      'key',
      'headers',
      'value',
      'eventType',
      'payload',
      'sequence',
      'at',
      'properties',
    ]);
    expect({ ...message }.payload).toEqual({ orderId: '1' });
    expect(JSON.parse(JSON.stringify(message))).toMatchObject({ payload: { orderId: '1' } });
    expect(message).toEqual({ ...message });
  });

  it('parses the bytes once, when the payload is first read; text that is not JSON stays text', () => {
    const value = text.encode('{"n":1}');
    const message = receivedMessage('orders', 1, value, {}, undefined, {});
    const first = message.payload;
    value.set(text.encode('{"n":2}'));
    expect(message.payload).toBe(first);
    expect(receivedMessage('orders', 2, text.encode('plain'), {}, undefined, {}).payload).toBe('plain');
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
