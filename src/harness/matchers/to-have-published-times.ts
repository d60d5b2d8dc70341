import type { EventType, PayloadOf } from '../../contracts/types.js';
import { failure, InvalidArgumentError } from '../../errors.js';
import { describeExpectation } from '../format.js';
import { describeNearMisses, nearMisses } from '../near-misses.js';
import type { Where } from '../types.js';
import {
  describeWithPayload,
  type MatcherResult,
  matchesOf,
  type Outcome,
  recordingFor,
  requireEventType,
  times,
  toMatcherResult,
} from './outcome.js';

/** @internal */
export function publishedTimesOutcome(
  received: unknown,
  type: EventType,
  count: number,
  where?: unknown,
): { label: string; outcome: Outcome } {
  const recording = recordingFor(received, 'toHavePublishedTimes');
  requireEventType(type, 'toHavePublishedTimes');
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError(
      failure(
        'check toHavePublishedTimes',
        `the count must be a non-negative integer, got ${String(count)}`,
        'Write e.g. toHavePublishedTimes(OrderCreated, 1)',
      ),
    );
  }
  const records = recording.records();
  const matches = matchesOf(records, type, where);
  return {
    label: recording.label,
    outcome: {
      pass: matches.length === count,
      claim: `published ${describeExpectation(type, where)} ${times(count)}`,
      whyNot: `it was published ${times(matches.length)}`,
      whyNotNot: `it was published exactly ${times(count)}`,
      details: () => {
        const lines =
          matches.length > 0 ? ['Matching:', ...matches.map((m) => `  ${describeWithPayload(m)}`)] : [];
        return matches.length < count
          ? [...lines, ...describeNearMisses(nearMisses(records, type, where))]
          : lines;
      },
      actual: matches.length,
      expected: count,
    },
  };
}

/**
 * Passes when exactly `count` events of `type` matching `partial` were published: the duplicate check.
 *
 * @example
 * ```ts
 * await service.createOrder(input);
 * await service.createOrder(input); // retried by the caller
 * expect(publisher).toHavePublishedTimes(OrderCreated, 1, { orderId: '123' });
 * ```
 */
export function toHavePublishedTimes<E extends EventType>(
  received: unknown,
  type: E,
  count: number,
  partial?: Where<PayloadOf<E>>,
): MatcherResult {
  const { label, outcome } = publishedTimesOutcome(received, type, count, partial);
  return toMatcherResult(label, outcome);
}
