import type { EventType, PayloadOf } from '../../contracts/types.js';
import type { Where } from '../types.js';
import type { OrderStep } from './to-have-published-in-order.js';
import { toHavePublished } from './to-have-published.js';
import { toHavePublishedInOrder } from './to-have-published-in-order.js';
import { toHavePublishedNothing } from './to-have-published-nothing.js';
import { toHavePublishedTimes } from './to-have-published-times.js';

/**
 * The eventproof matchers as one object for `expect.extend`. `eventproof/vitest` and
 * `eventproof/jest` register it for you; use it directly with `@jest/globals` or another runner.
 *
 * @example
 * ```ts
 * import { expect } from '@jest/globals';
 * import { eventproofMatchers } from 'eventproof/jest';
 * expect.extend(eventproofMatchers);
 * ```
 */
export const eventproofMatchers = {
  toHavePublished,
  toHavePublishedTimes,
  toHavePublishedInOrder,
  toHavePublishedNothing,
};

/**
 * The matcher signatures as seen through `expect(publisher)`; `R` is what the runner's assertion returns.
 *
 * @example
 * ```ts
 * declare module 'my-runner' {
 *   interface Assertion extends EventproofMatchers<void> {}
 * }
 * ```
 */
export interface EventproofMatchers<R = unknown> {
  /** An event of `type` matching `partial` (deep partial or predicate) was published. */
  toHavePublished<E extends EventType>(type: E, partial?: Where<PayloadOf<E>>): R;
  /** Exactly `count` events of `type` matching `partial` were published. */
  toHavePublishedTimes<E extends EventType>(type: E, count: number, partial?: Where<PayloadOf<E>>): R;
  /** The steps were published in this order, other messages allowed between them. */
  toHavePublishedInOrder(steps: readonly OrderStep[]): R;
  /** Nothing at all was published, poison included. */
  toHavePublishedNothing(): R;
}
