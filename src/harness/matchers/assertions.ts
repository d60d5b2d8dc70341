import type { EventType, PayloadOf } from '../../contracts/types.js';
import type { Where } from '../types.js';
import { assertOutcome } from './outcome.js';
import { publishedOutcome } from './to-have-published.js';
import { publishedInOrderOutcome, type OrderStep } from './to-have-published-in-order.js';
import { publishedNothingOutcome } from './to-have-published-nothing.js';
import { publishedTimesOutcome } from './to-have-published-times.js';

/**
 * Throws an {@link AssertionFailedError} unless an event of `type` matching `partial` was published.
 * For node:test and other runners without `expect.extend`.
 *
 * @example
 * ```ts
 * import { test } from 'node:test';
 * test('emits OrderCreated', async () => {
 *   await service.createOrder({ userId: 'user1', items });
 *   assertPublished(publisher, OrderCreated, { userId: 'user1' });
 * });
 * ```
 */
export function assertPublished<E extends EventType>(
  publisher: unknown,
  type: E,
  partial?: Where<PayloadOf<E>>,
): void {
  const { label, outcome } = publishedOutcome(publisher, type, partial);
  assertOutcome(label, outcome);
}

/**
 * Throws an {@link AssertionFailedError} unless exactly `count` matching events were published.
 *
 * @example
 * ```ts
 * assertPublishedTimes(publisher, OrderCreated, 1, { orderId: '123' });
 * ```
 */
export function assertPublishedTimes<E extends EventType>(
  publisher: unknown,
  type: E,
  count: number,
  partial?: Where<PayloadOf<E>>,
): void {
  const { label, outcome } = publishedTimesOutcome(publisher, type, count, partial);
  assertOutcome(label, outcome);
}

/**
 * Throws an {@link AssertionFailedError} unless the steps were published in this order (others may
 * come between).
 *
 * @example
 * ```ts
 * assertPublishedInOrder(publisher, [OrderCreated, [OrderUpdated, { status: 'paid' }], OrderShipped]);
 * ```
 */
export function assertPublishedInOrder(publisher: unknown, steps: readonly OrderStep[]): void {
  const { label, outcome } = publishedInOrderOutcome(publisher, steps);
  assertOutcome(label, outcome);
}

/**
 * Throws an {@link AssertionFailedError} if anything at all (poison included) was published.
 *
 * @example
 * ```ts
 * assertPublishedNothing(publisher);
 * ```
 */
export function assertPublishedNothing(publisher: unknown): void {
  const { label, outcome } = publishedNothingOutcome(publisher);
  assertOutcome(label, outcome);
}
