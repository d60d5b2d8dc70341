import type { EventType, PayloadOf } from '../../contracts/types.js';
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
  summary,
  toMatcherResult,
} from './outcome.js';

/** @internal */
export function publishedOutcome(
  received: unknown,
  type: EventType,
  where?: unknown,
): { label: string; outcome: Outcome } {
  const recording = recordingFor(received, 'toHavePublished');
  requireEventType(type, 'toHavePublished');
  const records = recording.records();
  const matches = matchesOf(records, type, where);
  const misses = matches.length === 0 ? nearMisses(records, type, where) : [];
  return {
    label: recording.label,
    outcome: {
      pass: matches.length > 0,
      claim: `published ${describeExpectation(type, where)}`,
      whyNot: 'nothing matching was published',
      whyNotNot: `it was published ${matches.length === 1 ? 'once' : `${matches.length} times`}`,
      details: () =>
        matches.length > 0
          ? ['Matching:', ...matches.map((m) => `  ${describeWithPayload(m)}`)]
          : describeNearMisses(misses),
      actual: summary(matches[0] ?? misses[0]?.record),
      expected: { event: type.name, ...(typeof where === 'object' ? { payload: where } : {}) },
    },
  };
}

/**
 * Passes when an event of `type` matching `partial` (a deep partial payload or a predicate) was
 * published. On failure it lists what was published instead, nearest first, with the differing fields.
 *
 * @example
 * ```ts
 * import 'eventproof/vitest';
 * expect(publisher).toHavePublished(OrderCreated, { userId: 'user1' });
 * expect(publisher).not.toHavePublished(OrderShipped);
 * ```
 */
export function toHavePublished<E extends EventType>(
  received: unknown,
  type: E,
  partial?: Where<PayloadOf<E>>,
): MatcherResult {
  const { label, outcome } = publishedOutcome(received, type, partial);
  return toMatcherResult(label, outcome);
}
